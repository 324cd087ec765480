package io.github.vqlc.quantizers.codebook.kmeans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.engine.TorchOps;
import io.github.vqlc.core.search.NearestCodeSearch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KMeansTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Points of {@code blobs} Gaussian blobs (sd 0.5) whose centres lie 100 apart on a diagonal. */
    private static float[][] blobs(int[] sizes, int d, long seed) {
        Random random = new Random(seed);
        List<float[]> rows = new ArrayList<>();
        for (int b = 0; b < sizes.length; b++) {
            for (int i = 0; i < sizes[b]; i++) {
                float[] p = new float[d];
                for (int j = 0; j < d; j++) {
                    p[j] = 100f * b * (j % 2 == 0 ? 1 : -1) + 0.5f * (float) random.nextGaussian();
                }
                rows.add(p);
            }
        }
        return rows.toArray(new float[0][]);
    }

    private NDArray array(float[][] rows) {
        return manager.create(rows);
    }

    private static double withinBlobSumOfSquares(float[][] points, int[] sizes) {
        double total = 0;
        int from = 0;
        for (int size : sizes) {
            int d = points[0].length;
            double[] mean = new double[d];
            for (int i = from; i < from + size; i++) {
                for (int j = 0; j < d; j++) {
                    mean[j] += points[i][j] / (double) size;
                }
            }
            for (int i = from; i < from + size; i++) {
                for (int j = 0; j < d; j++) {
                    double diff = points[i][j] - mean[j];
                    total += diff * diff;
                }
            }
            from += size;
        }
        return total;
    }

    @Test
    void recoversWellSeparatedClustersExactly() {
        int[] sizes = {30, 50, 40, 60, 20};
        float[][] host = blobs(sizes, 4, 1);
        NDArray points = array(host);
        try (KMeansResult r = KMeans.builder().setK(5).optSeed(3).build().fit(points)) {
            long[] assigned =
                    NearestCodeSearch.create().nearest(points, r.centroids()).toLongArray();
            Set<Long> used = new HashSet<>();
            int from = 0;
            for (int size : sizes) {
                long label = assigned[from];
                for (int i = from; i < from + size; i++) {
                    assertThat(assigned[i]).as("point %d", i).isEqualTo(label);
                }
                assertThat(used.add(label))
                        .as("blob starting at %d has its own centre", from)
                        .isTrue();
                // the centre is the blob's mean
                float[] centre = r.centroids().get(label).toFloatArray();
                for (int j = 0; j < 4; j++) {
                    double mean = 0;
                    for (int i = from; i < from + size; i++) {
                        mean += host[i][j] / (double) size;
                    }
                    assertThat((double) centre[j]).isCloseTo(mean, within(1e-3));
                }
                assertThat(r.clusterSizes()[(int) label]).isEqualTo(size);
                from += size;
            }
            assertThat(r.inertia()).isCloseTo(withinBlobSumOfSquares(host, sizes), within(1e-3 * r.inertia()));
            assertThat(r.emptyClusters()).isZero();
            assertThat(r.perClass()).isEmpty();
        }
    }

    @Test
    void lloydInertiaNeverIncreases() {
        Random random = new Random(5);
        float[][] host = new float[1500][6];
        for (float[] row : host) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        List<Double> seen = new ArrayList<>();
        KMeans kMeans = KMeans.builder()
                .setK(40)
                .optInit(KMeans.Init.RANDOM)
                .optMaxIterations(12)
                .optSeed(9)
                .optObserver((it, inertia, seconds) -> seen.add(inertia))
                .build();
        try (KMeansResult r = kMeans.fit(array(host))) {
            double[] h = r.inertiaHistory();
            assertThat(h.length).isEqualTo(r.iterations()).isGreaterThan(3);
            assertThat(seen).containsExactly(Arrays.stream(h).boxed().toArray(Double[]::new));
            for (int t = 1; t < h.length; t++) {
                assertThat(h[t]).as("iteration %d", t + 1).isLessThanOrEqualTo(h[t - 1] * (1 + 1e-6));
            }
            assertThat(h[h.length - 1]).isGreaterThan(h[0] * 0.1);
            assertThat(r.inertia()).isLessThanOrEqualTo(h[h.length - 1] * (1 + 1e-6));
            assertThat(Arrays.stream(r.clusterSizes()).sum()).isEqualTo(1500);
        }
    }

    @Test
    void handComputedInertiaOnATinySet() {
        NDArray points = manager.create(new float[][] {{0, 0}, {0, 2}, {10, 0}, {10, 4}});
        NDArray start = manager.create(new float[][] {{0, 0}, {10, 0}});
        try (KMeansResult r =
                KMeans.builder().setK(2).optMaxIterations(5).build().fit(points, start)) {
            // iteration 1 from (0,0),(10,0): 0 + 4 + 0 + 16 = 20; then centres (0,1),(10,2): 1 + 1 + 4 + 4 = 10
            assertThat(r.inertiaHistory()[0]).isEqualTo(20.0);
            assertThat(r.inertia()).isEqualTo(10.0);
            assertThat(r.centroids().toFloatArray()).containsExactly(0f, 1f, 10f, 2f);
            assertThat(r.iterations()).isEqualTo(2); // the second assignment changes nothing
            assertThat(r.clusterSizes()).containsExactly(2, 2);
        }
        assertThat(start.toFloatArray()).containsExactly(0f, 0f, 10f, 0f); // the start is not modified
    }

    @Test
    void perClassBlocksHoldOnlyTheirClassesCentroids() {
        // three classes in disjoint boxes: label 7 around x=0, label 2 around x=1000, label 5 around x=2000
        long[] classOfBox = {7, 2, 5};
        Random random = new Random(2);
        int perBox = 60;
        float[][] host = new float[3 * perBox][3];
        long[] labels = new long[host.length];
        for (int i = 0; i < host.length; i++) {
            int box = i % 3; // interleaved, so rows of a class are not contiguous
            labels[i] = classOfBox[box];
            for (int j = 0; j < 3; j++) {
                host[i][j] = (float) (random.nextGaussian() * 5 + (j == 0 ? 1000 * box : 0));
            }
        }
        try (KMeansResult r = KMeans.builder().setK(1).optSeed(4).build().fitPerClass(array(host), labels, 4)) {
            assertThat(r.centroids().getShape()).isEqualTo(new Shape(12, 3));
            float[] c = r.centroids().toFloatArray();
            double[] boxX = {1000, 2000, 0}; // ascending labels 2, 5, 7
            for (int row = 0; row < 12; row++) {
                assertThat((double) c[row * 3]).as("row %d", row).isCloseTo(boxX[row / 4], within(30.0));
            }
            assertThat(r.perClass()).extracting(KMeansResult.ClassResult::label).containsExactly(2L, 5L, 7L);
            assertThat(r.perClass())
                    .extracting(KMeansResult.ClassResult::firstRow)
                    .containsExactly(0, 4, 8);
            assertThat(r.perClass())
                    .extracting(KMeansResult.ClassResult::points)
                    .containsExactly(60L, 60L, 60L);
            assertThat(Arrays.stream(r.clusterSizes(), 4, 8).sum()).isEqualTo(60);
            double sum = r.perClass().stream()
                    .mapToDouble(KMeansResult.ClassResult::inertia)
                    .sum();
            assertThat(r.inertia()).isEqualTo(sum);
        }
    }

    @Test
    void emptyClusterIsRepairedOntoTheFarthestPoint() {
        float[][] host = new float[20][1];
        for (int i = 0; i < 10; i++) {
            host[i][0] = i * 0.1f; // 0 .. 0.9
            host[10 + i][0] = 10 + i * 0.1f; // 10 .. 10.9
        }
        // the third centre is far from everything: empty after the first assignment
        NDArray start = manager.create(new float[][] {{0.45f}, {10.45f}, {1000f}});
        try (KMeansResult r =
                KMeans.builder().setK(3).optMaxIterations(10).build().fit(array(host), start)) {
            assertThat(r.emptyClustersRepaired()).isGreaterThanOrEqualTo(1);
            assertThat(r.emptyClusters()).isZero();
            assertThat(Arrays.stream(r.clusterSizes()).min().getAsLong()).isPositive();
            float[] c = r.centroids().toFloatArray();
            assertThat(c[2]).isLessThan(11f); // moved into the data
            assertThat(r.inertia()).isLessThan(r.inertiaHistory()[0]);
        }
    }

    @Test
    void sameSeedGivesBitIdenticalCentroids() {
        float[][] host = blobs(new int[] {100, 100, 100, 100}, 5, 7);
        for (KMeans.Init init : KMeans.Init.values()) {
            float[] a;
            float[] b;
            float[] other;
            KMeans.Builder builder = KMeans.builder().setK(12).optInit(init).optMaxIterations(4);
            try (KMeansResult r = builder.optSeed(11).build().fit(array(host))) {
                a = r.centroids().toFloatArray();
            }
            try (KMeansResult r = builder.optSeed(11).build().fit(array(host))) {
                b = r.centroids().toFloatArray();
            }
            try (KMeansResult r = builder.optSeed(12).build().fit(array(host))) {
                other = r.centroids().toFloatArray();
            }
            assertThat(b).as(init.name()).containsExactly(a);
            assertThat(other).as(init.name()).isNotEqualTo(a);
        }
    }

    @Test
    void splittingTheSearchOverThreadsChangesNothing() {
        Random random = new Random(13);
        float[][] host = new float[9000][4]; // enough rows for a split into parts of >= 2048
        for (float[] row : host) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        KMeans.Builder b = KMeans.builder()
                .setK(64)
                .optInit(KMeans.Init.RANDOM)
                .optMaxIterations(3)
                .optSeed(5);
        int threadsBefore = SplitSearch.intraOpThreads();
        try (KMeansResult one = b.optSearchThreads(1).build().fit(array(host));
                KMeansResult three = b.optSearchThreads(3).build().fit(array(host))) {
            assertThat(three.centroids().toFloatArray())
                    .containsExactly(one.centroids().toFloatArray());
            assertThat(three.inertiaHistory()).containsExactly(one.inertiaHistory());
            assertThat(three.clusterSizes()).containsExactly(one.clusterSizes());
        }
        assertThat(SplitSearch.intraOpThreads()).isEqualTo(threadsBefore); // untouched
    }

    @Test
    void pruningSkipsSettledPointsAndChangesNoResult() {
        // the benchmark's kind of data: K blobs with centres N(0, 4^2), points N(centre, 1), random start
        float[] flat = randomBlobs(6000, 16, 300, 4);
        float[][] host = new float[6000][16];
        for (int i = 0; i < host.length; i++) {
            System.arraycopy(flat, i * 16, host[i], 0, 16);
        }
        List<Long> searched = new ArrayList<>();
        KMeansObserver counts = new KMeansObserver() {
            @Override
            public void onIteration(int iteration, double inertia, double seconds) {}

            @Override
            public void onAssignment(int pass, long searchedPoints, long points) {
                assertThat(points).isEqualTo(6000);
                searched.add(searchedPoints);
            }
        };
        KMeans.Builder b = KMeans.builder()
                .setK(300)
                .optInit(KMeans.Init.RANDOM)
                .optMaxIterations(6)
                .optSeed(3);
        int iterations;
        try (KMeansResult plain = b.optPrune(false).build().fit(array(host));
                KMeansResult pruned =
                        b.optPrune(true).optObserver(counts).build().fit(array(host))) {
            assertThat(pruned.iterations()).isEqualTo(plain.iterations());
            assertThat(pruned.centroids().toFloatArray())
                    .containsExactly(plain.centroids().toFloatArray());
            assertThat(pruned.clusterSizes()).containsExactly(plain.clusterSizes());
            double[] a = plain.inertiaHistory();
            double[] p = pruned.inertiaHistory();
            for (int i = 0; i < a.length; i++) {
                assertThat(p[i]).isCloseTo(a[i], within(1e-9 * a[i]));
            }
            assertThat(pruned.inertia()).isCloseTo(plain.inertia(), within(1e-9 * plain.inertia()));
            iterations = pruned.iterations();
        }
        assertThat(iterations).isGreaterThanOrEqualTo(3);
        assertThat(searched).hasSize(iterations + 1); // every iteration and the final assignment
        assertThat(searched.get(0)).isEqualTo(6000); // nothing to keep before the first assignment
        assertThat(searched.get(iterations)).as("searched in the final pass").isLessThan(4000);
    }

    @Test
    void kMeansPlusPlusFindsEveryBlobWhereRandomInitDoesNot() {
        // one big blob holding most points and nine small ones: uniform draws mostly hit the big blob
        int[] sizes = {910, 10, 10, 10, 10, 10, 10, 10, 10, 10};
        float[][] host = blobs(sizes, 2, 3);
        double optimum = withinBlobSumOfSquares(host, sizes);
        KMeans.Builder b = KMeans.builder().setK(10).optMaxIterations(30).optSeed(1);
        double plusPlus;
        double random;
        try (KMeansResult r = b.optInit(KMeans.Init.KMEANS_PLUS_PLUS).build().fit(array(host))) {
            plusPlus = r.inertia();
        }
        try (KMeansResult r = b.optInit(KMeans.Init.RANDOM).build().fit(array(host))) {
            random = r.inertia();
        }
        assertThat(plusPlus).isCloseTo(optimum, within(1e-3 * optimum));
        assertThat(random).isGreaterThan(100 * optimum);
    }

    @Test
    void batchedKMeansPlusPlusStartsNearlyAsWellAsExactAndBetterThanRandom() {
        // a diffuse cloud with K far above its natural cluster count, as in codebook building
        // (on a few well-separated blobs, batched draws can land in the same blob and miss others)
        Random random = new Random(17);
        float[][] host = new float[4000][4];
        for (float[] row : host) {
            double scale = random.nextDouble() < 0.1 ? 10 : 1; // a heavy tail that random draws miss
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) (scale * random.nextGaussian());
            }
        }
        NDArray points = array(host);
        double[] inertia = new double[3];
        KMeans.Builder b = KMeans.builder().setK(200).optSeed(6);
        KMeans[] variants = {
            b.optInit(KMeans.Init.KMEANS_PLUS_PLUS).optInitBatch(1).build(),
            b.optInit(KMeans.Init.KMEANS_PLUS_PLUS).optInitBatch(20).build(),
            b.optInit(KMeans.Init.RANDOM).build()
        };
        for (int v = 0; v < 3; v++) {
            try (NDArray start = variants[v].initialCentroids(points);
                    KMeansResult r = KMeans.builder()
                            .setK(200)
                            .optMaxIterations(1)
                            .build()
                            .fit(points, start)) {
                inertia[v] = r.inertiaHistory()[0]; // inertia of the initial centres
            }
        }
        assertThat(variants[0].initBatch(200)).isEqualTo(1);
        assertThat(variants[1].initBatch(200)).isEqualTo(20);
        assertThat(KMeans.builder().setK(1).build().initBatch(10_000)).isEqualTo(50);
        assertThat(inertia[1]).as("batched vs exact").isLessThan(1.5 * inertia[0]); // seen: 1.27x
        assertThat(inertia[2]).as("random vs batched").isGreaterThan(2 * inertia[1]); // seen: 4.3x
    }

    @Test
    void miniBatchAlsoRecoversSeparatedClusters() {
        int[] sizes = {200, 300, 250};
        float[][] host = blobs(sizes, 3, 8);
        KMeans kMeans = KMeans.builder()
                .setK(3)
                .optMiniBatchSize(64)
                .optMaxIterations(3)
                .optSeed(2)
                .build();
        try (KMeansResult r = kMeans.fit(array(host))) {
            assertThat(r.iterations()).isEqualTo(3);
            assertThat(r.clusterSizes()).containsExactlyInAnyOrder(200, 300, 250);
            assertThat(r.inertia()).isCloseTo(withinBlobSumOfSquares(host, sizes), within(0.01 * r.inertia()));
        }
    }

    @Test
    void badInputIsAOneLineUserError() {
        NDArray five = manager.randomNormal(new Shape(5, 2));
        assertThatThrownBy(() -> KMeans.builder().setK(6).build().fit(five))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("5 points")
                .hasMessageContaining("k = 6");
        assertThatThrownBy(() -> KMeans.builder().setK(0).build())
                .isInstanceOf(UserException.class)
                .hasMessageContaining("k = 0");
        assertThatThrownBy(() -> KMeans.builder().setK(2).build().fit(manager.zeros(new Shape(4, 2, 2))))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("2-D")
                .hasMessageContaining("(4, 2, 2)");
        NDArray withNaN = manager.create(new float[][] {{0, 1}, {Float.NaN, 2}, {3, 4}});
        assertThatThrownBy(() -> KMeans.builder().setK(2).build().fit(withNaN))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("1 NaN");
        long[] labels = {1, 1, 1, 4, 4};
        assertThatThrownBy(() -> KMeans.builder().setK(1).build().fitPerClass(five, labels, 3))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("class 4 has 2 points")
                .hasMessageContaining("k = 3 per class");
        assertThatThrownBy(() -> KMeans.builder().setK(1).build().fitPerClass(five, new long[] {1, 2}, 1))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("2 labels for 5 points");
        assertThat(new UserException("x").getMessage()).doesNotContain("\n");
    }

    @Test
    void aSplitFitLeavesTheCallersThreadCountAndTheDefaultOfNewThreadsAlone() throws Exception {
        int before = TorchOps.intraOpThreads();
        int wanted = before == 3 ? 2 : 3; // a count the workers (1) and the default differ from
        TorchOps.setIntraOpThreads(wanted);
        try {
            float[][] points = blobs(new int[] {3000, 3000}, 4, 3);
            int[] onWorkers = new int[1];
            int[] elsewhere = new int[1];
            KMeansObserver probe = new KMeansObserver() {
                @Override
                public void onIteration(int iteration, double inertia, double seconds) {
                    onWorkers[0] = TorchOps.intraOpThreads(); // called on the fit's own thread
                    elsewhere[0] = countOnANewThread(); // another thread of the process, during the fit
                }
            };
            try (KMeansResult r = KMeans.builder()
                    .setK(2)
                    .optSeed(1)
                    .optSearchThreads(2)
                    .optObserver(probe)
                    .build()
                    .fit(array(points))) {
                assertThat(r.clusterSizes()).containsExactlyInAnyOrder(3000L, 3000L);
            }
            assertThat(onWorkers[0]).as("the fit's ops run single-threaded").isEqualTo(1);
            assertThat(elsewhere[0]).as("a thread started during the fit").isEqualTo(wanted);
            assertThat(TorchOps.intraOpThreads()).as("the caller's count").isEqualTo(wanted);
            assertThat(countOnANewThread()).as("a thread started after the fit").isEqualTo(wanted);
        } finally {
            TorchOps.setIntraOpThreads(before);
        }
    }

    /** The PyTorch thread count a new thread of this process starts with. */
    private static int countOnANewThread() {
        int[] count = new int[1];
        Thread t = new Thread(() -> count[0] = TorchOps.intraOpThreads());
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return count[0];
    }

    @Test
    void theCentreShiftStopEndsWhenAnotherLloydStepWouldBarelyMoveTheCentres() {
        int n = 3000;
        int d = 4;
        int k = 12;
        float[] rows = randomBlobs(n, d, k, 5);
        NDArray x = manager.create(rows, new Shape(n, d));
        double tolerance = 1e-4;
        KMeansResult r = KMeans.builder()
                .setK(k)
                .optInit(KMeans.Init.RANDOM)
                .optStop(KMeans.Stop.CENTRE_SHIFT)
                .optTolerance(tolerance)
                .optMaxIterations(1000)
                .optSeed(3)
                .build()
                .fit(x);
        assertThat(r.converged()).isTrue();
        assertThat(r.iterations()).isLessThan(1000);
        // one more Lloyd step, by hand in double precision: the centres move (summed) by less than sqrt(tol)
        float[] c = r.centroids().toFloatArray();
        double[] sums = new double[k * d];
        long[] counts = new long[k];
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestDist = Double.MAX_VALUE;
            for (int j = 0; j < k; j++) {
                double dist = 0;
                for (int t = 0; t < d; t++) {
                    double diff = rows[i * d + t] - c[j * d + t];
                    dist += diff * diff;
                }
                if (dist < bestDist) {
                    bestDist = dist;
                    best = j;
                }
            }
            counts[best]++;
            for (int t = 0; t < d; t++) {
                sums[best * d + t] += rows[i * d + t];
            }
        }
        double shift = 0;
        for (int j = 0; j < k; j++) {
            double moved = 0;
            for (int t = 0; t < d; t++) {
                double diff = counts[j] == 0 ? 0 : sums[j * d + t] / counts[j] - c[j * d + t];
                moved += diff * diff;
            }
            shift += Math.sqrt(moved);
        }
        assertThat(shift * shift).isLessThan(tolerance);
    }

    @Test
    void reachingTheIterationCapIsNotConvergence() {
        int n = 3000;
        float[] rows = randomBlobs(n, 4, 12, 5);
        NDArray x = manager.create(rows, new Shape(n, 4));
        KMeans.Builder b = KMeans.builder()
                .setK(12)
                .optInit(KMeans.Init.RANDOM)
                .optStop(KMeans.Stop.CENTRE_SHIFT)
                .optTolerance(1e-12)
                .optSeed(3);
        try (KMeansResult capped = b.optMaxIterations(2).build().fit(x)) {
            assertThat(capped.iterations()).isEqualTo(2);
            assertThat(capped.converged()).isFalse();
        }
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
        }
        try (KMeansResult perClass = b.optMaxIterations(2).setK(6).build().fitPerClass(x, labels, 6)) {
            assertThat(perClass.converged()).isFalse();
            assertThat(perClass.perClass())
                    .allSatisfy(c -> assertThat(c.converged()).isFalse());
        }
    }

    /** {@code points} rows of width {@code dim} around {@code k} centres drawn from N(0, 4^2), each N(centre, 1). */
    private static float[] randomBlobs(int points, int dim, int k, long seed) {
        Random random = new Random(seed);
        float[][] centres = new float[k][dim];
        for (float[] centre : centres) {
            for (int j = 0; j < dim; j++) {
                centre[j] = 4f * (float) random.nextGaussian();
            }
        }
        float[] rows = new float[points * dim];
        for (int i = 0; i < points; i++) {
            float[] centre = centres[random.nextInt(k)];
            for (int j = 0; j < dim; j++) {
                rows[i * dim + j] = centre[j] + (float) random.nextGaussian();
            }
        }
        return rows;
    }
}
