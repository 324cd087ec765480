package io.github.vqlc.quantizers.codebook;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.DataConfig;
import io.github.vqlc.core.data.Datasets;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.data.Split;
import io.github.vqlc.core.io.AtomicFiles;
import io.github.vqlc.core.io.CodebookFiles;
import io.github.vqlc.core.io.NpyFiles;
import io.github.vqlc.core.spi.ExtractorConfig;
import io.github.vqlc.core.spi.FactoryRegistry;
import io.github.vqlc.core.spi.FeatureExtractor;
import io.github.vqlc.core.spi.FeatureExtractorContext;
import io.github.vqlc.core.spi.FeatureExtractorFactory;
import io.github.vqlc.quantizers.codebook.kmeans.KMeans;
import io.github.vqlc.quantizers.codebook.kmeans.KMeansConfig;
import io.github.vqlc.quantizers.codebook.kmeans.KMeansObserver;
import io.github.vqlc.quantizers.codebook.kmeans.KMeansResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeMap;

/**
 * {@code vqlc codebook}: the paper's step 1. Patch features of {@code codebook.split} from the
 * {@code codebook.extractor}, average-pooled to {@code grid x grid} vectors per image, then
 * {@code codebook.init}: k-means centres (per class: {@code size} split as evenly as possible
 * over the classes, blocks in ascending label order; or over all rows), a seeded random sample of
 * the rows, or N(0, 1) rows. Writes the (size, Dc) float32 .npy and a .json sidecar with the
 * provenance (extractor, pooling, k-means settings, final inertia, cluster-size statistics).
 */
public final class CodebookBuilder {

    private final CodebookConfig cb;
    private final DataConfig data;
    private final long seed;
    private final Device device;
    private final FactoryRegistry<FeatureExtractorFactory> extractors;

    /**
     * @param data the dataset whose split is pooled
     * @param seed seeds k-means, the random sample and the random rows
     * @param device where the extractor and k-means run
     * @param extractors the registered feature extractor types
     */
    public CodebookBuilder(
            CodebookConfig cb,
            DataConfig data,
            long seed,
            Device device,
            FactoryRegistry<FeatureExtractorFactory> extractors) {
        this.cb = cb;
        this.data = data;
        this.seed = seed;
        this.device = device;
        this.extractors = extractors;
    }

    /** Builds and writes the codebook; returns the sidecar's content. */
    public JsonObject build(PrintStream out) {
        KMeansConfig kmeans = cb.kmeans();
        long start = System.nanoTime();
        JsonObject side = new JsonObject();
        side.addProperty("rows", cb.size());
        side.addProperty("init", cb.init());
        try (NDManager manager = NDManager.newBaseManager(device)) {
            float[] codebook;
            int dim;
            if (cb.init().equals("random")) {
                Engine.getInstance().setRandomSeed((int) seed);
                dim = cb.randomDim();
                codebook = manager.randomNormal(new Shape(cb.size(), dim)).toFloatArray();
                side.addProperty("distribution", "normal(0, 1)");
            } else {
                FeatureCollector.Rows rows = collect(manager, side, out);
                dim = rows.dim();
                if (cb.size() > rows.count()) {
                    throw new UserException("codebook.size " + cb.size() + " is larger than the " + rows.count()
                            + " pooled feature vectors; lower codebook.size or raise the image/vector limits");
                }
                codebook = cb.init().equals("random-features")
                        ? sample(rows, cb.size(), seed, side)
                        : cluster(rows, cb, kmeans, seed, manager, side, out);
            }
            side.addProperty("dim", dim);
            side.addProperty("duplicate_rows", DuplicateRows.count(codebook, cb.size(), dim));
            try (NDManager scratch = manager.newSubManager()) {
                CodebookFiles.writeNpy(
                        cb.output().toAbsolutePath(), scratch.create(codebook, new Shape(cb.size(), dim)));
            }
        }
        side.addProperty("seconds", (System.nanoTime() - start) / 1e9);
        side.addProperty("seed", seed);
        AtomicFiles.writeString(
                cb.sidecar().toAbsolutePath(),
                new GsonBuilder().setPrettyPrinting().create().toJson(side) + "\n");
        out.printf(
                Locale.ROOT,
                "wrote %s (%d x %d) and %s%n",
                cb.output(),
                cb.size(),
                side.get("dim").getAsInt(),
                cb.sidecar());
        return side;
    }

    private FeatureCollector.Rows collect(NDManager manager, JsonObject side, PrintStream out) {
        ExtractorConfig ec = cb.requireExtractor();
        ImageDataset split = Datasets.open(data, cb.split().equals("train") ? Split.TRAIN : Split.TEST, seed);
        if (data.limit() > 0) {
            split = Datasets.limit(split, data.limit());
        }
        var context = new FeatureExtractorContext(
                data.channels(), data.imageSize(), device, manager, Path.of("").toAbsolutePath(), seed);
        try (FeatureExtractor extractor = ec.create(extractors, context)) {
            if (!extractor.hasPatchFeatures()) {
                throw new UserException("codebook.extractor.type = " + ec.type() + " gives no patch features");
            }
            out.printf(
                    Locale.ROOT,
                    "features: %s over %s %s (%d images), pooled to %dx%d per image%n",
                    extractor.describe(),
                    data.name(),
                    cb.split(),
                    split.size(),
                    cb.grid(),
                    cb.grid());
            long t0 = System.nanoTime();
            int[] next = {0};
            FeatureCollector.Rows rows = FeatureCollector.builder()
                    .optGrid(cb.grid())
                    .optBatchSize(cb.batchSize())
                    .optMaxVectorsPerImage(cb.maxVectorsPerImage())
                    .optMaxImagesPerClass(cb.maxImagesPerClass())
                    .optSeed(seed)
                    .optListener((done, total) -> {
                        if (done >= next[0] || done == total) {
                            double s = (System.nanoTime() - t0) / 1e9;
                            out.printf(
                                    Locale.ROOT,
                                    "  features %d/%d images, %.0f s, ETA %.0f s%n",
                                    done,
                                    total,
                                    s,
                                    done == 0 ? 0 : s * (total - done) / done);
                            next[0] = done + Math.max(1, total / 10);
                        }
                    })
                    .build()
                    .collect(extractor, split, manager);
            JsonObject ex = new JsonObject();
            ex.addProperty("type", ec.type());
            ex.addProperty("describe", extractor.describe());
            ex.addProperty("fingerprint", extractor.fingerprint());
            side.add("extractor", ex);
            side.addProperty("dataset", data.name());
            side.addProperty("split", cb.split());
            side.addProperty("images", split.size());
            side.addProperty("grid", cb.grid());
            side.addProperty("max_vectors_per_image", cb.maxVectorsPerImage());
            side.addProperty("max_images_per_class", cb.maxImagesPerClass());
            side.addProperty("feature_rows", rows.count());
            return rows;
        }
    }

    /** {@code k} distinct rows drawn uniformly under {@code seed}. */
    private static float[] sample(FeatureCollector.Rows rows, int k, long seed, JsonObject side) {
        int n = rows.count();
        int d = rows.dim();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random rng = new Random(seed);
        float[] out = new float[k * d];
        for (int i = 0; i < k; i++) { // partial Fisher-Yates
            int j = i + rng.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
            System.arraycopy(rows.data(), order[i] * d, out, i * d, d);
        }
        side.addProperty("sampling", "uniform without replacement");
        return out;
    }

    private static float[] cluster(
            FeatureCollector.Rows rows,
            CodebookConfig cb,
            KMeansConfig km,
            long seed,
            NDManager manager,
            JsonObject side,
            PrintStream out) {
        int d = rows.dim();
        TreeMap<Integer, List<Integer>> byClass = new TreeMap<>();
        if (cb.perClass()) {
            for (int i = 0; i < rows.count(); i++) {
                byClass.computeIfAbsent(rows.labels()[i], c -> new ArrayList<>())
                        .add(i);
            }
        } else {
            List<Integer> all = new ArrayList<>(rows.count());
            for (int i = 0; i < rows.count(); i++) {
                all.add(i);
            }
            byClass.put(-1, all);
        }
        int classes = byClass.size();
        float[] codebook = new float[cb.size() * d];
        long[] sizes = new long[cb.size()];
        double inertia = 0;
        int repaired = 0;
        int iterations = 0;
        boolean converged = true;
        int row = 0;
        int index = 0;
        JsonArray perClass = new JsonArray();
        for (var e : byClass.entrySet()) {
            int k = cb.size() / classes + (index < cb.size() % classes ? 1 : 0);
            List<Integer> members = e.getValue();
            if (k > members.size()) {
                throw new UserException("codebook: class " + e.getKey() + " has " + members.size()
                        + " pooled vectors, fewer than its " + k + " centres; lower codebook.size");
            }
            float[] pts = new float[members.size() * d];
            for (int i = 0; i < members.size(); i++) {
                System.arraycopy(rows.data(), members.get(i) * d, pts, i * d, d);
            }
            String what = cb.perClass() ? "class " + e.getKey() + " (" + (index + 1) + "/" + classes + ")" : "all rows";
            out.printf(Locale.ROOT, "k-means %s: %d centres over %d vectors%n", what, k, members.size());
            long t0 = System.nanoTime();
            try (NDManager sub = manager.newSubManager()) {
                NDArray points = sub.create(pts, new Shape(members.size(), d));
                KMeans kmeans = km.builder(k, seed + index)
                        .optObserver(new IterationLines(out))
                        .build();
                try (KMeansResult r = kmeans.fit(points)) {
                    System.arraycopy(r.centroids().toFloatArray(), 0, codebook, row * d, k * d);
                    System.arraycopy(r.clusterSizes(), 0, sizes, row, k);
                    inertia += r.inertia();
                    repaired += r.emptyClustersRepaired();
                    JsonObject c = new JsonObject();
                    c.addProperty("label", e.getKey());
                    c.addProperty("first_row", row);
                    c.addProperty("rows", k);
                    c.addProperty("points", members.size());
                    c.addProperty("inertia", r.inertia());
                    c.addProperty("iterations", r.iterations());
                    c.addProperty("converged", r.converged());
                    perClass.add(c);
                    iterations = Math.max(iterations, r.iterations());
                    converged &= r.converged();
                    if (!r.converged()) {
                        out.printf(
                                Locale.ROOT,
                                "  note: %s stopped at the iteration cap (%d) before its %s stop held;"
                                        + " raise codebook.kmeans.iterations%n",
                                what,
                                km.iterations(),
                                km.stop().configName());
                    }
                }
            }
            out.printf(Locale.ROOT, "  done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            row += k;
            index++;
        }
        JsonObject k = new JsonObject();
        k.addProperty("per_class", cb.perClass());
        k.addProperty("seeding", km.init() == KMeans.Init.RANDOM ? "random points" : "k-means++");
        k.addProperty("init_batch", km.initBatch());
        k.addProperty("stop", km.stop().configName());
        k.addProperty("tolerance", km.tolerance());
        k.addProperty("max_iterations", km.iterations());
        k.addProperty("iterations", iterations);
        k.addProperty("converged", converged);
        k.addProperty("mini_batch", km.miniBatch());
        k.addProperty("prune", km.prune());
        k.addProperty("final_inertia", inertia);
        k.addProperty("empty_clusters_repaired", repaired);
        if (cb.perClass()) {
            k.add("classes", perClass);
        }
        k.add("cluster_sizes", sizeStats(sizes));
        Path sizesFile = clusterSizesFile(cb.output());
        try (NDManager scratch = manager.newSubManager()) {
            NpyFiles.write(sizesFile.toAbsolutePath(), scratch.create(sizes));
        }
        k.addProperty("cluster_sizes_file", sizesFile.getFileName().toString());
        side.add("kmeans", k);
        return codebook;
    }

    /** Where the per-row cluster sizes of {@code codebook} go: {@code x.npy -> x-cluster-sizes.npy}. */
    public static Path clusterSizesFile(Path codebook) {
        String name = codebook.getFileName().toString();
        String base = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
        return codebook.resolveSibling(base + "-cluster-sizes.npy");
    }

    /** Quantiles of the points per centre, and the empty and single-point clusters. */
    static JsonObject sizeStats(long[] sizes) {
        long[] sorted = sizes.clone();
        Arrays.sort(sorted);
        JsonObject stats = new JsonObject();
        stats.addProperty("min", sorted[0]);
        stats.addProperty("p10", sorted[(int) (0.1 * (sorted.length - 1))]);
        stats.addProperty("median", sorted[sorted.length / 2]);
        stats.addProperty("p90", sorted[(int) (0.9 * (sorted.length - 1))]);
        stats.addProperty("max", sorted[sorted.length - 1]);
        stats.addProperty("empty", Arrays.stream(sorted).filter(s -> s == 0).count());
        stats.addProperty(
                "singletons", Arrays.stream(sorted).filter(s -> s == 1).count());
        return stats;
    }

    /** One line per k-means iteration: inertia, time, and the share of vectors searched. */
    private static final class IterationLines implements KMeansObserver {
        private final PrintStream out;
        private double searched = 1;

        IterationLines(PrintStream out) {
            this.out = out;
        }

        @Override
        public void onAssignment(int pass, long searchedPoints, long points) {
            searched = points == 0 ? 1 : (double) searchedPoints / points;
        }

        @Override
        public void onIteration(int iteration, double inertia, double seconds) {
            out.printf(
                    Locale.ROOT,
                    "  iteration %d: inertia %.6g (%.1f s, %.0f%% of the vectors searched)%n",
                    iteration,
                    inertia,
                    seconds,
                    100 * searched);
        }
    }
}
