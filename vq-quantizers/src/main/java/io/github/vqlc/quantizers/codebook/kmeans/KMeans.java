package io.github.vqlc.quantizers.codebook.kmeans;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.search.NearestCodeSearch;
import java.util.ArrayList;
import java.util.List;

/**
 * k-means clustering (Lloyd's algorithm, or Sculley's mini-batch k-means) of the rows of an
 * NDArray, as VQGAN-LC uses to build its static codebook from image features (globally, or per
 * class with {@link #fitPerClass}).
 *
 * <p>Tensor contract: points (N, D) float32 on any device, N &ge; K; centroids (K, D) float32 on
 * the same device, attached to the points' manager. Every step runs on that device: assignment by
 * the tiled {@link NearestCodeSearch} (never an (N, K) matrix), centroid sums by one scatter-add
 * ({@code Segments}) per iteration; the host sees only per-iteration scalars, the K cluster
 * counts, and in k-means++ one (N) distance vector per pass. Like scikit-learn, the work happens
 * on the centred points {@code x - mean(x)}, and inertia comes from exact differences {@code ||x -
 * c||^2}, not from the search's expansion.
 *
 * <p>Threads (CPU): by default the search is split by rows over as many Java threads as the
 * caller's PyTorch intra-op thread count, each running single-threaded ops, and the rest of the fit
 * (init and updates) runs single-threaded on a thread of its own; see {@link
 * Builder#optSearchThreads}. This is what makes an iteration as fast as scikit-learn's on a shared
 * 2-core machine (docs/benchmarks.md). The caller's thread settings, and those of other threads of
 * the process, are not changed.
 *
 * <p>Full mode ({@code miniBatchSize = 0}): each iteration assigns every point to its nearest
 * centroid, then moves each centroid to the mean of its points. It stops after {@code
 * maxIterations}, when an iteration changes no assignment, or by the {@link Stop} rule: {@link
 * Stop#INERTIA} (default) when the relative inertia decrease {@code (I_{t-1} - I_t) / I_{t-1}}
 * between consecutive assignment steps is at most {@code tolerance} (0 disables the test);
 * {@link Stop#CENTRE_SHIFT} when the squared sum of the centres' moves {@code (sum_k ||c_k(t) -
 * c_k(t-1)||)^2} falls below {@code tolerance}, the rule of the kmeans_pytorch package the
 * VQGAN-LC authors clustered with. Stopping by either rule (or by unchanged assignments) counts as
 * converged; reaching {@code maxIterations} first does not ({@link KMeansResult#converged()}). Inertia never increases between iterations, up to float32 rounding. From the second
 * assignment on, only the points not provably still nearest their previous centre are searched
 * ({@link Builder#optPrune}, on by default): the same assignments in less time, more so as the
 * clusters separate and settle.
 *
 * <p>Mini-batch mode ({@code miniBatchSize = b > 0}, Sculley 2010): each pass over the data
 * shuffles it and walks it in batches of b; every batch is assigned to the current centroids and
 * each centroid becomes the running mean of all points ever assigned to it (the per-centre
 * learning rate 1/count of the paper, applied to a whole batch at once). One "iteration" is one
 * pass; the tolerance applies to the passes' summed batch inertias. A final full assignment gives
 * the inertia and cluster sizes.
 *
 * <p>Empty clusters (scikit-learn's rule): when an update leaves E centroids without points, they
 * are moved onto the E points farthest from their centroids (full mode: over all points; mini-batch:
 * of the current batch), and those points are removed from their former clusters' sums. A cluster
 * can still end empty when the data has fewer distinct points than K.
 *
 * <p>Determinism: random draws come from {@link java.util.SplittableRandom} seeded with {@code
 * seed}; on CPU the same seed gives bit-identical centroids (also across search thread counts:
 * each row's nearest centre is computed independently).
 *
 * <p>Errors a user can cause (K &gt; N, also per class; input not 2-D or not float32; NaN or
 * infinite values; labels not matching the points) are {@link UserException}s with one line naming
 * the values.
 */
public final class KMeans {

    /** How the initial centres are chosen. */
    public enum Init {
        /** K distinct points drawn uniformly. */
        RANDOM,
        /**
         * k-means++ (D^2 sampling): exact greedy (2 + ln K candidates per centre, as scikit-learn)
         * when the init batch is 1, else batched candidate sampling (see {@link
         * Builder#optInitBatch}).
         */
        KMEANS_PLUS_PLUS
    }

    /** When full Lloyd iterations stop before {@code maxIterations}. */
    public enum Stop {
        /** The relative inertia decrease between iterations is at most the tolerance. */
        INERTIA("inertia"),
        /** The squared sum of the centres' moves in an iteration is below the tolerance (kmeans_pytorch). */
        CENTRE_SHIFT("centre-shift");

        private final String configName;

        Stop(String configName) {
            this.configName = configName;
        }

        /** The name in configs ({@code codebook.kmeans.stop}), sidecars and messages. */
        public String configName() {
            return configName;
        }

        /** The stop a config names; {@code name} must be one of the config names. */
        public static Stop fromConfig(String name) {
            for (Stop s : values()) {
                if (s.configName.equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("no k-means stop named " + name);
        }
    }

    private final int k;
    private final Init init;
    private final Stop stop;
    private final int maxIterations;
    private final double tolerance;
    private final long seed;
    private final int miniBatchSize;
    private final NearestCodeSearch search;
    private final int searchThreads;
    private final int initBatch;
    private final boolean prune;
    private final KMeansObserver observer;

    /** Passes over the points that the automatic k-means++ batch aims at. */
    static final int AUTO_INIT_PASSES = 200;

    private KMeans(Builder b) {
        this.k = b.k;
        this.init = b.init;
        this.stop = b.stop;
        this.maxIterations = b.maxIterations;
        this.tolerance = b.tolerance;
        this.seed = b.seed;
        this.miniBatchSize = b.miniBatchSize;
        this.search = b.search;
        this.searchThreads = b.searchThreads;
        this.initBatch = b.initBatch;
        this.prune = b.prune;
        this.observer = b.observer;
    }

    /** A builder; {@link Builder#setK} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Number of centres K (per class in {@link #fitPerClass}, which takes its own count). */
    public int k() {
        return k;
    }

    /**
     * Clusters the rows of {@code points} into K centroids, starting from the configured init.
     *
     * @param points (N, D) float32, N &ge; K, finite
     * @return centroids (K, D) attached to {@code points}' manager, and statistics
     */
    public KMeansResult fit(NDArray points) {
        checkPoints(points);
        checkEnough(points.getShape().get(0), k, "");
        return fitFrom(points, null);
    }

    /**
     * Runs the iterations from given centres (warm start, or a benchmark's shared starting point).
     *
     * @param points (N, D) float32, finite
     * @param initialCentroids (K, D) float32 on the same device; not modified
     */
    public KMeansResult fit(NDArray points, NDArray initialCentroids) {
        checkPoints(points);
        Shape s = initialCentroids.getShape();
        if (s.dimension() != 2 || s.get(0) != k || s.get(1) != points.getShape().get(1)) {
            throw new UserException("k-means: initial centroids must be (" + k + ", "
                    + points.getShape().get(1) + ") for k = " + k + " and points " + points.getShape() + ", got " + s);
        }
        return fitFrom(points, initialCentroids);
    }

    /**
     * The configured initial centres only (for benchmarks and inspection).
     *
     * @param points (N, D) float32, N &ge; K, finite
     * @return (K, D) float32 attached to {@code points}' manager
     */
    public NDArray initialCentroids(NDArray points) {
        checkPoints(points);
        checkEnough(points.getShape().get(0), k, "");
        return splitSearch(points).drive(() -> initialize(points, k, seed));
    }

    /**
     * k-means of each class separately, {@code kPerClass} centres per class, concatenated class by
     * class in ascending label order: rows {@code [c*kPerClass, (c+1)*kPerClass)} belong to the
     * c-th smallest label. Class c is seeded with {@code seed + c}. This instance's K is ignored.
     *
     * @param points (N, D) float32, finite
     * @param labels N class labels, any long values
     * @param kPerClass centres per class, at most the size of the smallest class
     */
    public KMeansResult fitPerClass(NDArray points, long[] labels, int kPerClass) {
        checkPoints(points);
        long n = points.getShape().get(0);
        if (labels.length != n) {
            throw new UserException("k-means: " + labels.length + " labels for " + n + " points " + points.getShape());
        }
        if (kPerClass < 1) {
            throw new UserException("k-means: k per class = " + kPerClass + " must be >= 1");
        }
        ClassRows classes = ClassRows.of(labels);
        long[] classLabels = classes.labels();
        for (int c = 0; c < classLabels.length; c++) {
            checkEnough(classes.rows()[c].length, kPerClass, "class " + classLabels[c] + " ");
        }
        NDManager parent = points.getManager();
        List<KMeansResult.ClassResult> perClass = new ArrayList<>();
        NDList centroids = new NDList();
        long[] sizes = new long[Math.multiplyExact(classLabels.length, kPerClass)];
        double inertia = 0;
        int iterations = 0;
        int repaired = 0;
        boolean converged = true;
        try (NDManager sub = parent.newSubManager(points.getDevice())) {
            for (int c = 0; c < classLabels.length; c++) {
                long[] rows = classes.rows()[c];
                observer.onClassStart(classLabels[c], c, classLabels.length, rows.length);
                try (NDManager classScope = sub.newSubManager()) {
                    NDArray x = Seeding.rows(points, rows);
                    x.attach(classScope);
                    Outcome o = run(x, null, kPerClass, seed + c);
                    o.centroids().attach(sub);
                    centroids.add(o.centroids());
                    System.arraycopy(o.sizes(), 0, sizes, c * kPerClass, kPerClass);
                    inertia += o.inertia();
                    iterations = Math.max(iterations, o.history().length);
                    repaired += o.repaired();
                    converged &= o.converged();
                    perClass.add(new KMeansResult.ClassResult(
                            classLabels[c],
                            rows.length,
                            c * kPerClass,
                            o.inertia(),
                            o.history(),
                            o.history().length,
                            o.converged(),
                            o.repaired()));
                }
            }
            NDArray all = NDArrays.concat(centroids);
            all.attach(parent);
            return new KMeansResult(
                    all, inertia, new double[0], iterations, converged, sizes, repaired, List.copyOf(perClass));
        }
    }

    private KMeansResult fitFrom(NDArray points, NDArray initialCentroids) {
        NDManager parent = points.getManager();
        try (NDManager sub = parent.newSubManager(points.getDevice())) {
            NDArray x = points.stopGradient();
            x.attach(sub);
            NDArray start = initialCentroids == null ? null : initialCentroids.stopGradient();
            if (start != null) {
                start.attach(sub);
            }
            Outcome o = run(x, start, k, seed);
            o.centroids().attach(parent);
            return new KMeansResult(
                    o.centroids(),
                    o.inertia(),
                    o.history(),
                    o.history().length,
                    o.converged(),
                    o.sizes(),
                    o.repaired(),
                    List.of());
        }
    }

    /**
     * One clustering of {@code x} (in a scratch manager) from {@code start}, or from the init if
     * null. Like scikit-learn, it works on the centred points {@code x - mean(x)} (fewer digits lost
     * in the search's {@code ||x||^2 - 2 x.c + ||c||^2}) and adds the mean back to the centroids.
     */
    private Outcome run(NDArray x, NDArray start, int clusters, long runSeed) {
        SplitSearch split = splitSearch(x);
        NDArray mean = x.mean(new int[] {0}, true); // (1, D)
        NDArray centred = x.sub(mean);
        // on CPU, k-means++ and the updates run on the split's driver thread with single-threaded
        // ops too (no fork-join per op), and the caller's thread settings stay untouched
        Outcome o = split.drive(() -> {
            NDArray centres = start != null ? start.sub(mean) : initialize(centred, clusters, runSeed);
            Iterations iterations = new Iterations(split, observer, maxIterations, stop, tolerance, prune);
            return miniBatchSize > 0
                    ? iterations.miniBatch(centred, centres, miniBatchSize, runSeed)
                    : iterations.lloyd(centred, centres);
        });
        NDArray centroids = o.centroids().add(mean);
        o.centroids().close();
        centred.close();
        mean.close();
        return new Outcome(centroids, o.inertia(), o.history(), o.sizes(), o.repaired(), o.converged());
    }

    private SplitSearch splitSearch(NDArray x) {
        int threads = searchThreads > 0 ? searchThreads : SplitSearch.intraOpThreads();
        return new SplitSearch(search, threads, !x.getDevice().isGpu());
    }

    private NDArray initialize(NDArray x, int clusters, long runSeed) {
        return switch (init) {
            case RANDOM -> Seeding.random(x, clusters, runSeed);
            case KMEANS_PLUS_PLUS -> Seeding.kMeansPlusPlus(x, clusters, runSeed, initBatch(clusters));
        };
    }

    /** Centres drawn per k-means++ pass: as configured, or about K / 200 (exact up to K = 200). */
    int initBatch(int clusters) {
        return initBatch > 0 ? initBatch : Math.max(1, (clusters + AUTO_INIT_PASSES - 1) / AUTO_INIT_PASSES);
    }

    /** Rank, type and finiteness of the points. */
    private static void checkPoints(NDArray points) {
        Shape s = points.getShape();
        if (s.dimension() != 2) {
            throw new UserException("k-means: points must be a 2-D (N, D) array, got shape " + s);
        }
        if (s.get(1) < 1) {
            throw new UserException("k-means: points must have D >= 1 columns, got shape " + s);
        }
        if (points.getDataType() != DataType.FLOAT32) {
            throw new UserException("k-means: points must be float32, got " + points.getDataType() + " " + s);
        }
        try (NDManager scratch = points.getManager().newSubManager(points.getDevice())) {
            NDArray detached = points.stopGradient();
            detached.attach(scratch);
            long nan = detached.isNaN().countNonzero().getLong();
            long infinite = detached.isInfinite().countNonzero().getLong();
            if (nan + infinite > 0) {
                throw new UserException(
                        "k-means: points " + s + " contain " + nan + " NaN and " + infinite + " infinite values");
            }
        }
    }

    private static void checkEnough(long points, int clusters, String what) {
        if (points < clusters) {
            throw new UserException("k-means: " + what + "has " + points + " points, fewer than k = " + clusters
                    + (what.isEmpty() ? "" : " per class"));
        }
    }

    /** The result of one clustering, before it is wrapped for the caller. */
    record Outcome(
            NDArray centroids, double inertia, double[] history, long[] sizes, int repaired, boolean converged) {}

    /** Builds a {@link KMeans}; {@code setK} is required, {@code optX} setters are optional. */
    public static final class Builder {

        private int k;
        private boolean kSet;
        private Init init = Init.KMEANS_PLUS_PLUS;
        private Stop stop = Stop.INERTIA;
        private int maxIterations = 20;
        private double tolerance = 0;
        private long seed;
        private int miniBatchSize;
        private NearestCodeSearch search = NearestCodeSearch.create();
        private int searchThreads;
        private int initBatch;
        private boolean prune = true;
        private KMeansObserver observer = KMeansObserver.NONE;

        private Builder() {}

        /** Number of centres K &ge; 1 (required). */
        public Builder setK(int k) {
            this.k = k;
            this.kSet = true;
            return this;
        }

        /** Initial centres (default {@link Init#KMEANS_PLUS_PLUS}). */
        public Builder optInit(Init init) {
            this.init = init;
            return this;
        }

        /** Most iterations (passes in mini-batch mode), &ge; 1 (default 20). */
        public Builder optMaxIterations(int maxIterations) {
            this.maxIterations = maxIterations;
            return this;
        }

        /** The stopping rule the tolerance applies to (default {@link Stop#INERTIA}). */
        public Builder optStop(Stop stop) {
            this.stop = stop;
            return this;
        }

        /** Tolerance of the {@link Stop} rule, &ge; 0 (default 0 = off for {@link Stop#INERTIA}). */
        public Builder optTolerance(double tolerance) {
            this.tolerance = tolerance;
            return this;
        }

        /** Seed of all random draws (default 0). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** 0 = full Lloyd iterations (default); b &gt; 0 = mini-batch k-means with batches of b. */
        public Builder optMiniBatchSize(int miniBatchSize) {
            this.miniBatchSize = miniBatchSize;
            return this;
        }

        /** The nearest-centroid search (default {@link NearestCodeSearch#create()}). */
        public Builder optSearch(NearestCodeSearch search) {
            this.search = search;
            return this;
        }

        /**
         * CPU only: Java threads that each search a share of the points with PyTorch ops running
         * single-threaded (the rest of the fit then runs single-threaded on a thread of its own);
         * 1 = everything on the caller's thread with its own PyTorch threads; 0 (default) = the
         * caller's PyTorch intra-op thread count. The answer does not depend on it.
         */
        public Builder optSearchThreads(int searchThreads) {
            this.searchThreads = searchThreads;
            return this;
        }

        /**
         * k-means++ centres drawn per pass over the points: 1 = exact greedy k-means++ (K
         * sequential passes); b &gt; 1 = batched candidate sampling, b centres per pass drawn
         * together from the same D^2 distribution; 0 (default) = ceil(K / 200), i.e. exact up to K
         * = 200 and about 200 passes beyond.
         */
        public Builder optInitBatch(int initBatch) {
            this.initBatch = initBatch;
            return this;
        }

        /**
         * Full Lloyd mode: from the second assignment on, a point keeps its previous centre without
         * a search when it is closer to it than half the distance from that centre to its nearest
         * other centre (the triangle inequality then proves the centre still strictly nearest;
         * {@code KeepRadii}); only the other points are searched. The assignments are those of a
         * full search, so the result is the same; only the time differs (default true; false =
         * search every point every time, for comparisons).
         */
        public Builder optPrune(boolean prune) {
            this.prune = prune;
            return this;
        }

        /** Progress callbacks (default none). */
        public Builder optObserver(KMeansObserver observer) {
            this.observer = observer;
            return this;
        }

        /** Validates and builds. */
        public KMeans build() {
            if (!kSet) {
                throw new IllegalStateException("k-means: setK is required");
            }
            if (k < 1) {
                throw new UserException("k-means: k = " + k + " must be >= 1");
            }
            if (maxIterations < 1) {
                throw new UserException("k-means: max iterations = " + maxIterations + " must be >= 1");
            }
            if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
                throw new UserException("k-means: tolerance = " + tolerance + " must be a finite number >= 0");
            }
            if (miniBatchSize < 0) {
                throw new UserException(
                        "k-means: mini-batch size = " + miniBatchSize + " must be >= 0 (0 = full Lloyd)");
            }
            if (initBatch < 0) {
                throw new UserException("k-means: init batch = " + initBatch + " must be >= 0 (0 = auto)");
            }
            if (searchThreads < 0) {
                throw new UserException("k-means: search threads = " + searchThreads + " must be >= 0 (0 = auto)");
            }
            if (init == null || stop == null || search == null || observer == null) {
                throw new IllegalArgumentException("k-means: init, stop, search and observer must not be null");
            }
            if (stop == Stop.CENTRE_SHIFT && miniBatchSize > 0) {
                throw new UserException("k-means: the centre-shift stop applies to full Lloyd iterations, not to"
                        + " mini-batch k-means (mini-batch = " + miniBatchSize + "); use the inertia stop");
            }
            return new KMeans(this);
        }
    }

    @Override
    public String toString() {
        return "KMeans[k=" + k + ", init=" + init + ", stop=" + stop + ", maxIterations=" + maxIterations
                + ", tolerance=" + tolerance
                + ", seed=" + seed + ", miniBatchSize=" + miniBatchSize + ", initBatch=" + initBatch
                + ", searchThreads=" + searchThreads + ", prune=" + prune + "]";
    }
}
