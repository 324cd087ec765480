package io.github.vqlc.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.search.NearestCodeSearch;
import io.github.vqlc.core.search.SearchResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * Times {@link NearestCodeSearch} against the full-matrix argmin on the same random data, in one
 * process, and checks that both pick the same codes.
 *
 * <p>The baseline ("full matrix") computes {@code ||x||^2 - 2 x.c^T + ||c||^2} as one (N, K)
 * float32 matrix, updated in place (its best case: one N*K*4-byte allocation), then {@code
 * argMin} over axis 1. Queries and codes are standard normal, drawn with {@link Random} from the
 * seed. Each method is warmed up once; the reported time is the median of {@code repeats} calls
 * (interleaved ours/baseline). Peak extra memory is measured, not computed: see {@link PeakRss}
 * (resident-set growth of the process during one extra call of each method). The last line
 * printed is {@code speedup <x>x} (baseline median / ours median).
 *
 * <p>CLI: {@code bin/vqlc bench search --codes 100000 --dim 8 --vectors 4096}; standalone:
 * {@code java ... io.github.vqlc.core.search.SearchBenchmark --codes 100000 --dim 8 --vectors 4096
 * [--repeats 3] [--seed 42] [--budget-bytes B] [--tile-bytes T] [--max-code-chunk C]}.
 */
public final class SearchBenchmark {

    /**
     * The figures of one benchmark run.
     *
     * @param oursMillis median wall time of {@link NearestCodeSearch#search}, ms
     * @param tiledMillis median wall time of the same search forced onto the tiled matrix-product
     *     path ({@link NearestCodeSearch.Builder#optTiledScan}), ms
     * @param floorMillis N x K x D multiply-adds at {@code peakGflops}: the arithmetic alone
     * @param peakGflops the machine's measured float32 matrix-product rate ({@link MatMulPeak})
     * @param naiveMillis median wall time of the full-matrix argmin, ms
     * @param speedup naiveMillis / oursMillis
     * @param mismatches rows whose indices differ between the two methods
     * @param mismatchesOursFarther of those, rows where our code is farther from the query than the
     *     baseline's in double-precision arithmetic (0 means every mismatch is a rounding tie)
     * @param oursPeakBytes measured peak extra resident memory of our search
     * @param naivePeakBytes measured peak extra resident memory of the baseline
     * @param memoryMethod how the peaks were measured
     * @param method the path our search took ({@link NearestCodeSearch#method})
     * @param tiledMethod the tiled path's tile shape
     * @param otherCpuShare fraction of all cores' time that other processes used during the run
     *     (from /proc/stat minus this process; NaN where unknown): timings are only comparable
     *     when it is near 0
     */
    public record Report(
            int codes,
            int dim,
            int vectors,
            int repeats,
            double oursMillis,
            double tiledMillis,
            double floorMillis,
            double peakGflops,
            double naiveMillis,
            double speedup,
            long mismatches,
            long mismatchesOursFarther,
            long oursPeakBytes,
            long naivePeakBytes,
            String memoryMethod,
            String method,
            String tiledMethod,
            double otherCpuShare) {}

    private SearchBenchmark() {}

    /**
     * Runs the benchmark with the default {@link NearestCodeSearch} and prints a small table to
     * {@code out}, ending with the line {@code speedup <x>x}.
     */
    public static Report run(int codes, int dim, int vectors, int repeats, long seed, PrintStream out) {
        return run(
                codes,
                dim,
                vectors,
                repeats,
                seed,
                out,
                NearestCodeSearch.create(),
                NearestCodeSearch.builder().optTiledScan(true).build());
    }

    static Report run(
            int codes,
            int dim,
            int vectors,
            int repeats,
            long seed,
            PrintStream out,
            NearestCodeSearch search,
            NearestCodeSearch tiled) {
        if (codes < 1 || dim < 1 || vectors < 1 || repeats < 1) {
            throw new IllegalArgumentException("codes, dim, vectors and repeats must be >= 1, got " + codes + ", " + dim
                    + ", " + vectors + ", " + repeats);
        }
        String loadBefore = loadAverage();
        long[] cpuBefore = CpuShare.ticks();
        Random random = new Random(seed);
        float[] xHost = gaussian(random, (long) vectors * dim);
        float[] codesHost = gaussian(random, (long) codes * dim);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(xHost, new Shape(vectors, dim));
            NDArray c = manager.create(codesHost, new Shape(codes, dim));

            // warm-up, then keep one answer of each for the agreement check
            long[] ours = oursIndices(search, x, c);
            long[] naive = naiveIndices(x, c);

            tiled.search(x, c).close(); // warm-up
            double[] oursNs = new double[repeats];
            double[] tiledNs = new double[repeats];
            double[] naiveNs = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                search.search(x, c).close();
                long t1 = System.nanoTime();
                tiled.search(x, c).close();
                long t2 = System.nanoTime();
                naiveArgMin(x, c).close();
                long t3 = System.nanoTime();
                oursNs[r] = t1 - t0;
                tiledNs[r] = t2 - t1;
                naiveNs[r] = t3 - t2;
            }
            double peakGflops = MatMulPeak.gflops(manager);

            long mismatches = 0;
            long oursFarther = 0;
            for (int i = 0; i < vectors; i++) {
                if (ours[i] != naive[i]) {
                    mismatches++;
                    double dOurs = exactDistance(xHost, codesHost, dim, i, (int) ours[i]);
                    double dNaive = exactDistance(xHost, codesHost, dim, i, (int) naive[i]);
                    if (dOurs > dNaive) {
                        oursFarther++;
                    }
                }
            }

            PeakRss.Measurement oursMem =
                    PeakRss.measure(() -> search.search(x, c).close());
            PeakRss.Measurement naiveMem =
                    PeakRss.measure(() -> naiveArgMin(x, c).close());

            double oursMs = median(oursNs) / 1e6;
            double naiveMs = median(naiveNs) / 1e6;
            boolean gpu = x.getDevice().isGpu();
            // the arithmetic alone: N x K x D multiply-adds at the measured matrix-product rate
            double floorMs = 2.0 * vectors * codes * dim / (peakGflops * 1e9) * 1e3;
            Report report = new Report(
                    codes,
                    dim,
                    vectors,
                    repeats,
                    oursMs,
                    median(tiledNs) / 1e6,
                    floorMs,
                    peakGflops,
                    naiveMs,
                    naiveMs / oursMs,
                    mismatches,
                    oursFarther,
                    oursMem.peakExtraBytes(),
                    naiveMem.peakExtraBytes(),
                    oursMem.method(),
                    search.method(vectors, codes, dim, gpu),
                    tiled.method(vectors, codes, dim, gpu),
                    CpuShare.othersShare(cpuBefore, CpuShare.ticks()));
            print(report, x.getDevice().toString(), loadBefore, loadAverage(), out);
            return report;
        }
    }

    private static void print(Report r, String device, String loadBefore, String loadAfter, PrintStream out) {
        out.printf(
                Locale.ROOT,
                "nearest-code search: K=%d D=%d N=%d, median of %d (after 1 warm-up), device %s,"
                        + " %d cores, ai.djl.pytorch.num_threads=%s, OMP_WAIT_POLICY=%s%n",
                r.codes(),
                r.dim(),
                r.vectors(),
                r.repeats(),
                device,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("ai.djl.pytorch.num_threads", "unset"),
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"));
        Map<String, String> env = System.getenv();
        out.printf(
                Locale.ROOT,
                "glibc: MALLOC_MMAP_THRESHOLD_=%s MALLOC_TRIM_THRESHOLD_=%s; CPU tiles of %d MiB%n",
                env.getOrDefault("MALLOC_MMAP_THRESHOLD_", "unset"),
                env.getOrDefault("MALLOC_TRIM_THRESHOLD_", "unset"),
                NearestCodeSearch.DEFAULT_TILE_BYTES >> 20);
        out.printf(Locale.ROOT, "%-28s %12s %18s%n", "method", "median ms", "peak extra MiB");
        out.printf(Locale.ROOT, "%-28s %12.1f %18.1f%n", r.method(), r.oursMillis(), r.oursPeakBytes() / 1048576.0);
        if (!r.tiledMethod().equals(r.method())) {
            out.printf(Locale.ROOT, "%-28s %12.1f%n", r.tiledMethod(), r.tiledMillis());
        }
        out.printf(
                Locale.ROOT,
                "%-28s %12.1f %18.1f%n",
                "full matrix + argMin",
                r.naiveMillis(),
                r.naivePeakBytes() / 1048576.0);
        out.printf(
                Locale.ROOT,
                "index mismatches: %d of %d (%d where ours is farther in double precision)%n",
                r.mismatches(),
                r.vectors(),
                r.mismatchesOursFarther());
        out.printf(
                Locale.ROOT,
                "arithmetic floor: %.1f ms (N x K x D = %.3g multiply-adds at %.1f GFLOP/s, the measured"
                        + " float32 matrix-product rate); ours = %.1fx the floor%n",
                r.floorMillis(),
                (double) r.vectors() * r.codes() * r.dim(),
                r.peakGflops(),
                r.oursMillis() / r.floorMillis());
        out.printf(Locale.ROOT, "memory: %s%n", r.memoryMethod());
        out.printf(
                Locale.ROOT,
                "other processes used %s of the %d cores' time during the run; load average before %s, after %s%n",
                Double.isNaN(r.otherCpuShare()) ? "an unknown share" : Math.round(100 * r.otherCpuShare()) + "%",
                Runtime.getRuntime().availableProcessors(),
                loadBefore,
                loadAfter);
        String policy = System.getenv().getOrDefault("OMP_WAIT_POLICY", "");
        boolean oneThread = "1".equals(System.getProperty("ai.djl.pytorch.num_threads"));
        if (r.otherCpuShare() >= 0.2) {
            boolean spinning = !policy.equalsIgnoreCase("passive") && !oneThread;
            out.printf(
                    Locale.ROOT,
                    "warning: the machine was shared, timings are not those of an idle machine.%s%n",
                    spinning
                            ? " With OMP_WAIT_POLICY unset, libgomp's spin-waiting slows every parallel op,"
                                    + " the tiled search (thousands of small ops) far more than one big matrix:"
                                    + " rerun on an idle machine or with OMP_WAIT_POLICY=PASSIVE"
                                    + " (docs/benchmarks.md)."
                            : "");
        }
        out.printf(Locale.ROOT, "speedup %.1fx%n", r.speedup());
    }

    private static long[] oursIndices(NearestCodeSearch search, NDArray x, NDArray c) {
        try (SearchResult result = search.search(x, c)) {
            return result.indices().toLongArray();
        }
    }

    private static long[] naiveIndices(NDArray x, NDArray c) {
        try (NDArray indices = naiveArgMin(x, c)) {
            return indices.toLongArray();
        }
    }

    /** The baseline: one (N, K) distance matrix, then argMin over the codes. */
    static NDArray naiveArgMin(NDArray x, NDArray codes) {
        NDManager parent = x.getManager();
        try (NDManager sub = parent.newSubManager()) {
            NDArray xs = x.stopGradient();
            xs.attach(sub);
            NDArray cs = codes.stopGradient();
            cs.attach(sub);
            NDArray distances = xs.matMul(cs.transpose()); // (N, K)
            distances.muli(-2f);
            distances.addi(xs.square().sum(new int[] {1}, true));
            distances.addi(cs.square().sum(new int[] {1}));
            NDArray indices = distances.argMin(1);
            indices.attach(parent);
            return indices;
        }
    }

    /** The first three fields of /proc/loadavg, or "n/a": other processes on the machine skew timings. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static double exactDistance(float[] x, float[] codes, int dim, int row, int code) {
        double sum = 0;
        for (int j = 0; j < dim; j++) {
            double diff = (double) x[row * dim + j] - codes[code * dim + j];
            sum += diff * diff;
        }
        return sum;
    }

    private static float[] gaussian(Random random, long count) {
        float[] values = new float[Math.toIntExact(count)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    /** Standalone entry point; see the class comment for the options. */
    public static void main(String[] args) {
        int codes = 100_000;
        int dim = 8;
        int vectors = 4096;
        int repeats = 3;
        long seed = 42;
        // tuning options, applied to both the searched and the tiled-path builder
        List<UnaryOperator<NearestCodeSearch.Builder>> tuning = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                usage("missing value after " + name);
            }
            String value = args[++i];
            try {
                switch (name) {
                    case "--codes" -> codes = Integer.parseInt(value);
                    case "--dim" -> dim = Integer.parseInt(value);
                    case "--vectors" -> vectors = Integer.parseInt(value);
                    case "--repeats" -> repeats = Integer.parseInt(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--budget-bytes" -> {
                        long v = Long.parseLong(value);
                        tuning.add(b -> b.optMemoryBudgetBytes(v));
                    }
                    case "--tile-bytes" -> {
                        long v = Long.parseLong(value);
                        tuning.add(b -> b.optTileBytes(v));
                    }
                    case "--max-code-chunk" -> {
                        long v = Long.parseLong(value);
                        tuning.add(b -> b.optMaxCodeChunk(v));
                    }
                    default -> usage("unknown option " + name);
                }
            } catch (NumberFormatException e) {
                usage("not a number for " + name + ": " + value);
            }
        }
        try {
            NearestCodeSearch.Builder builder = NearestCodeSearch.builder();
            NearestCodeSearch.Builder tiled = NearestCodeSearch.builder().optTiledScan(true);
            for (UnaryOperator<NearestCodeSearch.Builder> t : tuning) {
                t.apply(builder);
                t.apply(tiled);
            }
            run(codes, dim, vectors, repeats, seed, System.out, builder.build(), tiled.build());
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
        }
    }

    private static void usage(String problem) {
        System.err.println("error: " + problem);
        System.err.println("usage: SearchBenchmark [--codes K] [--dim D] [--vectors N] [--repeats R] [--seed S]"
                + " [--budget-bytes B] [--tile-bytes T] [--max-code-chunk C]");
        System.exit(2);
    }
}
