package io.github.vqlc.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.sun.management.OperatingSystemMXBean;
import io.github.vqlc.core.io.NpyFiles;
import io.github.vqlc.quantizers.codebook.kmeans.KMeans;
import io.github.vqlc.quantizers.codebook.kmeans.KMeansObserver;
import io.github.vqlc.quantizers.codebook.kmeans.KMeansResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Times {@link KMeans}' Lloyd iterations on seeded synthetic data, and can export that data and
 * the starting centres so that bench/kmeans_sklearn.py runs scikit-learn's Lloyd k-means from the
 * same point (vq-bench/scripts/compare-kmeans.sh does both and compares).
 *
 * <p>Data: {@code points} rows of width {@code dim}, in {@code k} Gaussian blobs (blob centres
 * N(0, 4^2) per coordinate, points N(centre, 1), each point's blob drawn uniformly), from {@link
 * Random} with the seed. Start: {@code k} points drawn uniformly ({@code random}) or k-means++
 * (timed separately). Then exactly {@code iters} Lloyd iterations (tolerance 0; fewer only if an
 * iteration changes no assignment) and the final assignment that measures the inertia, as
 * scikit-learn's {@code fit} does. Printed: seconds of each iteration, their mean, the whole fit
 * divided by {@code iters + 1} (the figure comparable with scikit-learn's fit time, which also
 * includes one final assignment pass), and the final inertia. Other processes' share of the CPU is
 * printed too: timings of a shared machine are not those of an idle one.
 */
public final class KMeansBenchmark {

    /**
     * Figures of one run.
     *
     * @param initSeconds time to choose the initial centres
     * @param iterationSeconds wall time of each Lloyd iteration
     * @param fitSeconds the whole fit (centering, iterations, final assignment)
     * @param fitCpuSeconds CPU time of this process (all threads) during the fit
     * @param inertia final inertia
     */
    public record Report(
            double initSeconds, double[] iterationSeconds, double fitSeconds, double fitCpuSeconds, double inertia) {

        /** Mean seconds per Lloyd iteration. */
        public double secondsPerIteration() {
            double s = 0;
            for (double t : iterationSeconds) {
                s += t;
            }
            return s / iterationSeconds.length;
        }

        /** {@code fitSeconds / (iterations + 1)}: comparable with scikit-learn's fit time per iteration. */
        public double fitSecondsPerPass() {
            return fitSeconds / (iterationSeconds.length + 1);
        }
    }

    private KMeansBenchmark() {}

    /**
     * Generates the data, picks the start, runs {@code iters} Lloyd iterations and prints the
     * figures to {@code out}; with {@code exportDir} non-null, first writes {@code points.npy} (N,
     * D) and {@code init.npy} (K, D) there.
     *
     * @param init {@link KMeans.Init#RANDOM} or {@link KMeans.Init#KMEANS_PLUS_PLUS}
     * @param searchThreads as {@link KMeans.Builder#optSearchThreads} (0 = auto)
     * @param prune as {@link KMeans.Builder#optPrune}
     */
    public static Report run(
            int points,
            int dim,
            int k,
            int iters,
            long seed,
            KMeans.Init init,
            int searchThreads,
            boolean prune,
            Path exportDir,
            PrintStream out) {
        if (points < 1 || dim < 1 || k < 1 || iters < 1 || k > points) {
            throw new IllegalArgumentException("need points, dim, k, iters >= 1 and k <= points, got " + points + ", "
                    + dim + ", " + k + ", " + iters);
        }
        long[] cpuBefore = CpuShare.ticks();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(blobs(points, dim, k, seed), new Shape(points, dim));
            KMeans.Builder builder = KMeans.builder()
                    .setK(k)
                    .optInit(init)
                    .optSeed(seed)
                    .optMaxIterations(iters)
                    .optSearchThreads(searchThreads);
            long t0 = System.nanoTime();
            NDArray start = builder.build().initialCentroids(x);
            double initSeconds = (System.nanoTime() - t0) / 1e9;
            if (exportDir != null) {
                export(exportDir, x, start);
                out.printf(
                        Locale.ROOT,
                        "wrote %s and %s%n",
                        exportDir.resolve("points.npy"),
                        exportDir.resolve("init.npy"));
            }
            List<Double> times = new ArrayList<>();
            KMeans kMeans = builder.optPrune(prune)
                    .optObserver(new KMeansObserver() {
                        @Override
                        public void onAssignment(int pass, long searched, long all) {
                            out.printf(
                                    Locale.ROOT,
                                    "assignment %d: searched %d of %d points (%.1f%%)%n",
                                    pass,
                                    searched,
                                    all,
                                    100.0 * searched / all);
                        }

                        @Override
                        public void onIteration(int it, double inertia, double seconds) {
                            times.add(seconds);
                            out.printf(
                                    Locale.ROOT,
                                    "iteration %d: %.3f s, inertia before update %.6e%n",
                                    it,
                                    seconds,
                                    inertia);
                        }
                    })
                    .build();
            long t1 = System.nanoTime();
            long cpu1 = processCpuNanos();
            double inertia;
            try (KMeansResult r = kMeans.fit(x, start)) {
                inertia = r.inertia();
            }
            double fitSeconds = (System.nanoTime() - t1) / 1e9;
            double fitCpuSeconds = (processCpuNanos() - cpu1) / 1e9;
            Report report = new Report(
                    initSeconds,
                    times.stream().mapToDouble(Double::doubleValue).toArray(),
                    fitSeconds,
                    fitCpuSeconds,
                    inertia);
            double others = CpuShare.othersShare(cpuBefore, CpuShare.ticks());
            out.printf(
                    Locale.ROOT,
                    "k-means (ours): N=%d D=%d K=%d, %d Lloyd iterations from %s centres (seed %d),"
                            + " device %s, ai.djl.pytorch.num_threads=%s, search threads %s, pruning %s%n",
                    points,
                    dim,
                    k,
                    report.iterationSeconds().length,
                    init == KMeans.Init.RANDOM ? "random" : "k-means++",
                    seed,
                    x.getDevice(),
                    System.getProperty("ai.djl.pytorch.num_threads", "unset"),
                    searchThreads == 0 ? "auto" : searchThreads,
                    prune ? "on" : "off");
            out.printf(
                    Locale.ROOT,
                    "init %.2f s; fit %.2f s (centering, iterations, final assignment)%n",
                    initSeconds,
                    fitSeconds);
            out.printf(
                    Locale.ROOT,
                    "other processes used %s of the cores' time%n",
                    Double.isNaN(others) ? "an unknown share" : Math.round(100 * others) + "%");
            out.printf(Locale.ROOT, "mean seconds per Lloyd iteration %.3f%n", report.secondsPerIteration());
            out.printf(Locale.ROOT, "fit seconds / (iterations + 1) %.3f%n", report.fitSecondsPerPass());
            out.printf(
                    Locale.ROOT,
                    "fit CPU seconds / (iterations + 1) %.3f%n",
                    fitCpuSeconds / (report.iterationSeconds().length + 1));
            out.printf(Locale.ROOT, "inertia %.8e%n", inertia);
            return report;
        }
    }

    /** CPU time of this process (all threads), ns; -1 where the JVM cannot tell. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** points rows (row-major) in k Gaussian blobs; see the class comment. */
    static float[] blobs(int points, int dim, int k, long seed) {
        Random random = new Random(seed);
        float[] centres = new float[Math.multiplyExact(k, dim)];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = 4f * (float) random.nextGaussian();
        }
        float[] x = new float[Math.multiplyExact(points, dim)];
        for (int i = 0; i < points; i++) {
            int blob = random.nextInt(k);
            for (int j = 0; j < dim; j++) {
                x[i * dim + j] = centres[blob * dim + j] + (float) random.nextGaussian();
            }
        }
        return x;
    }

    private static void export(Path dir, NDArray x, NDArray start) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        NpyFiles.write(dir.resolve("points.npy"), x);
        NpyFiles.write(dir.resolve("init.npy"), start);
    }
}
