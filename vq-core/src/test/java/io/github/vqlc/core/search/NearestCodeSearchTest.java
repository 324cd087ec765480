package io.github.vqlc.core.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.withinPercentage;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NearestCodeSearchTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Hand-computed: x rows against codes (0,0), (2,0), (0,3). */
    @Test
    void handSizedCaseGivesKnownIndicesAndDistances() {
        try (NDManager m = manager.newSubManager()) {
            NDArray codes = m.create(new float[] {0, 0, 2, 0, 0, 3}, new Shape(3, 2));
            NDArray x = m.create(new float[] {0.5f, 0.5f, 1.8f, -1, -1, 2.5f, 3, 3}, new Shape(4, 2));
            // row 0 (0.5,0.5): d = 0.5, 2.5, 6.5          -> 0, 0.5
            // row 1 (1.8,-1): d = 4.24, 1.04, 19.24       -> 1, 1.04
            // row 2 (-1,2.5): d = 7.25, 15.25, 1.25       -> 2, 1.25
            // row 3 (3,3):    d = 18, 10, 9               -> 2, 9
            for (NearestCodeSearch search : allTilings()) {
                try (SearchResult r = search.search(x, codes)) {
                    assertThat(r.indices().getShape()).isEqualTo(new Shape(4));
                    assertThat(r.indices().getDataType()).isEqualTo(DataType.INT64);
                    assertThat(r.distances().getShape()).isEqualTo(new Shape(4));
                    assertThat(r.distances().getDataType()).isEqualTo(DataType.FLOAT32);
                    assertThat(r.indices().toLongArray()).containsExactly(0, 1, 2, 2);
                    float[] d = r.distances().toFloatArray();
                    assertThat(d[0]).isCloseTo(0.5f, offset(1e-5f));
                    assertThat(d[1]).isCloseTo(1.04f, offset(1e-5f));
                    assertThat(d[2]).isCloseTo(1.25f, offset(1e-5f));
                    assertThat(d[3]).isCloseTo(9f, offset(1e-5f));
                }
            }
        }
    }

    @Test
    void matchesFullMatrixArgMinAndExactReferenceAtLargeCodebookWithManyChunks() {
        int n = 256;
        int k = 100_000;
        int d = 8;
        Random random = new Random(7);
        float[] xHost = gaussian(random, n * d);
        float[] codesHost = gaussian(random, k * d);
        // 1 MiB budget: tiles of 262,144 distances, 64 vectors x 4096 codes -> 4 x 25 tiles,
        // the last code chunk partial (100,000 = 24 * 4096 + 1696)
        NearestCodeSearch squareTiles = NearestCodeSearch.builder()
                .optTiledScan(true)
                .optMemoryBudgetBytes(1 << 20)
                .optMaxCodeChunk(4096)
                .build();
        assertThat(squareTiles.plan(n, k, d, false)).isEqualTo(new NearestCodeSearch.Tiling(64, 4096));
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(xHost, new Shape(n, d));
            NDArray codes = m.create(codesHost, new Shape(k, d));
            long[] naive = fullMatrixArgMin(x, codes).toLongArray();
            long[] exact = exactArgMin(xHost, codesHost, n, k, d);
            double[] exactDistance = new double[n];
            for (int i = 0; i < n; i++) {
                exactDistance[i] = distance(xHost, codesHost, d, i, (int) exact[i]);
            }
            NearestCodeSearch squareTilesEngine = NearestCodeSearch.builder()
                    .optMemoryBudgetBytes(1 << 20)
                    .optMaxCodeChunk(4096)
                    .optEngineArgMin(true)
                    .build();
            NearestCodeSearch oneShotEngine =
                    NearestCodeSearch.builder().optEngineArgMin(true).build();
            for (NearestCodeSearch s :
                    new NearestCodeSearch[] {squareTiles, NearestCodeSearch.create(), squareTilesEngine, oneShotEngine
                    }) {
                try (SearchResult r = s.search(x, codes)) {
                    long[] ours = r.indices().toLongArray();
                    float[] dist = r.distances().toFloatArray();
                    assertThat(ours).containsExactly(naive);
                    assertThat(ours).containsExactly(exact);
                    for (int i = 0; i < n; i++) {
                        assertThat((double) dist[i])
                                .as("distance of row %d", i)
                                .isCloseTo(exactDistance[i], offset(1e-4 * exactDistance[i] + 1e-6));
                    }
                }
            }
        }
    }

    @Test
    void distancesMatchTheFullMatrixFormulaWithinRelativeTolerance() {
        int n = 50;
        int k = 3000;
        int d = 16;
        try (NDManager m = manager.newSubManager()) {
            Random random = new Random(11);
            NDArray x = m.create(gaussian(random, n * d), new Shape(n, d));
            NDArray codes = m.create(gaussian(random, k * d), new Shape(k, d));
            NDArray full = x.square()
                    .sum(new int[] {1}, true)
                    .sub(x.matMul(codes.transpose()).mul(2))
                    .add(codes.square().sum(new int[] {1}));
            float[] naiveMin = full.min(new int[] {1}).toFloatArray();
            NearestCodeSearch[] searches = {
                NearestCodeSearch.create(), // one shot
                NearestCodeSearch.builder()
                        .optTiledScan(true)
                        .optTileBytes(4000)
                        .build(), // 1 x 1000: 150 tiles
                NearestCodeSearch.builder()
                        .optTiledScan(true)
                        .optTileBytes(40_000)
                        .optMaxCodeChunk(64)
                        .build(), // 50 x 200
            };
            for (NearestCodeSearch search : searches) {
                try (SearchResult r = search.search(x, codes)) {
                    float[] ours = r.distances().toFloatArray();
                    for (int i = 0; i < n; i++) {
                        assertThat(ours[i]).isCloseTo(naiveMin[i], withinPercentage(1e-2));
                    }
                }
            }
        }
    }

    @Test
    void exactTiesResolveToTheLowestIndexWithinAndAcrossChunks() {
        // integer coordinates: every distance is exact in float32, so ties are exact
        int k = 1000;
        float[] codesHost = new float[k * 2];
        for (int i = 0; i < k; i++) {
            codesHost[2 * i] = 100 + i; // far from the queries
            codesHost[2 * i + 1] = 100;
        }
        int[] copiesOfA = {7, 8, 300, 999}; // code A = (1, 1): rows 7 and 8 share a chunk of 10
        for (int c : copiesOfA) {
            codesHost[2 * c] = 1;
            codesHost[2 * c + 1] = 1;
        }
        // codes at equal distance 1 from query (0, 0) but different: (1,0) at 640 and (0,1) at 520
        codesHost[2 * 640] = 1;
        codesHost[2 * 640 + 1] = 0;
        codesHost[2 * 520] = 0;
        codesHost[2 * 520 + 1] = 1;
        try (NDManager m = manager.newSubManager()) {
            NDArray codes = m.create(codesHost, new Shape(k, 2));
            NDArray x = m.create(new float[] {1, 1, 0, 0, 2, 2}, new Shape(3, 2));
            long[] fullArgMin = fullMatrixArgMin(x, codes).toLongArray();
            assertThat(fullArgMin).containsExactly(7, 520, 7);
            for (NearestCodeSearch search : allTilings()) {
                // a 40-byte tile is 10 distances: one vector x 10 codes, 100 chunks
                assertThat(search.nearest(x, codes).toLongArray()).containsExactly(7, 520, 7);
            }
            NearestCodeSearch tenCodes = NearestCodeSearch.builder()
                    .optTiledScan(true)
                    .optTileBytes(40)
                    .build();
            assertThat(tenCodes.plan(3, k, 2, false)).isEqualTo(new NearestCodeSearch.Tiling(1, 10));
            assertThat(tenCodes.nearest(x, codes).toLongArray()).containsExactly(7, 520, 7);
        }
    }

    @Test
    void chunkBoundariesAreHandledWhenKIsNotAMultipleOfTheChunkOrSmallerThanIt() {
        int n = 37;
        int d = 5;
        Random random = new Random(3);
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(gaussian(random, n * d), new Shape(n, d));
            for (int k : new int[] {1, 2, 9, 10, 11, 101, 1000}) {
                float[] codesHost = gaussian(random, k * d);
                NDArray codes = m.create(codesHost, new Shape(k, d));
                long[] expected = exactArgMin(x.toFloatArray(), codesHost, n, k, d);
                // chunks of 10 codes x 1..n vectors, chunks larger than K, and one shot
                for (NearestCodeSearch search : allTilings()) {
                    assertThat(search.nearest(x, codes).toLongArray())
                            .as("K=%d plan=%s", k, search.plan(n, k, d, false))
                            .containsExactly(expected);
                }
            }
        }
    }

    @Test
    void planUsesOneShotWhenTheMatrixFitsAndSplitsVectorsWhenOneChunkDoesNot() {
        // 2 MiB tiles = 512 Ki distances, at most 2048 codes wide unless there are few vectors
        NearestCodeSearch small =
                NearestCodeSearch.builder().optTileBytes(2 << 20).build();
        assertThat(small.plan(100, 1000, 8, false)).isEqualTo(new NearestCodeSearch.Tiling(100, 1000));
        assertThat(small.plan(4096, 100_000, 8, false)).isEqualTo(new NearestCodeSearch.Tiling(256, 2048));
        assertThat(small.plan(16, 100_000, 8, false)).isEqualTo(new NearestCodeSearch.Tiling(16, 32768));
        assertThat(small.plan(64, 100_000, 8, false)).isEqualTo(new NearestCodeSearch.Tiling(64, 8192));
        // 16 MiB tiles = 4 Mi distances
        NearestCodeSearch large =
                NearestCodeSearch.builder().optTileBytes(16 << 20).build();
        assertThat(large.plan(4096, 100_000, 8, false)).isEqualTo(new NearestCodeSearch.Tiling(2048, 2048));
        assertThat(large.plan(16, 100_000, 8, false)).isEqualTo(new NearestCodeSearch.Tiling(16, 100_000));
        // the budget caps the tile; on GPU the whole budget (64 MiB = 16 Mi distances) is one tile
        NearestCodeSearch search = NearestCodeSearch.create();
        assertThat(search.plan(4096, 100_000, 8, true)).isEqualTo(new NearestCodeSearch.Tiling(4096, 4096));
        NearestCodeSearch tiny =
                NearestCodeSearch.builder().optMemoryBudgetBytes(4096).build();
        assertThat(tiny.plan(10, 100_000, 8, false)).isEqualTo(new NearestCodeSearch.Tiling(1, 1024));
        assertThat(tiny.plan(10, 100_000, 8, true)).isEqualTo(new NearestCodeSearch.Tiling(1, 1024));
    }

    @Test
    void theTileSizeIsASettingWithA16MiBDefault() {
        assertThat(NearestCodeSearch.DEFAULT_TILE_BYTES).isEqualTo(16L << 20);
        // 16 MiB = 4 Mi distances: 2048 queries x 2048 codes
        assertThat(NearestCodeSearch.create().plan(4096, 100_000, 8, false))
                .isEqualTo(new NearestCodeSearch.Tiling(2048, 2048));
        NearestCodeSearch small =
                NearestCodeSearch.builder().optTileBytes(2L << 20).build(); // 512 Ki distances
        assertThat(small.plan(4096, 100_000, 8, false)).isEqualTo(new NearestCodeSearch.Tiling(256, 2048));
        assertThatThrownBy(() -> NearestCodeSearch.builder().optTileBytes(2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tileBytes");
    }

    @Test
    void inputsThatRequireGradientBuildNoGraph() {
        try (NDManager m = manager.newSubManager()) {
            Random random = new Random(5);
            NDArray codes = m.create(gaussian(random, 500 * 4), new Shape(500, 4));
            NDArray x = m.create(gaussian(random, 20 * 4), new Shape(20, 4));
            codes.setRequiresGradient(true);
            x.setRequiresGradient(true);
            long[] expected;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray norms = NearestCodeSearch.codeSqNorms(codes);
                assertThat(norms.hasGradient()).isFalse();
                NearestCodeSearch search =
                        NearestCodeSearch.builder().optTileBytes(400).build();
                try (SearchResult r = search.search(x, codes, norms)) {
                    assertThat(r.indices().hasGradient()).isFalse();
                    assertThat(r.distances().hasGradient()).isFalse();
                    expected = exactArgMin(x.toFloatArray(), codes.toFloatArray(), 20, 500, 4);
                    assertThat(r.indices().toLongArray()).containsExactly(expected);
                }
                // the inputs keep requiring gradients and still take part in autograd normally
                NDArray loss = x.sum().add(codes.sum());
                collector.backward(loss);
            }
            assertThat(codes.getGradient().toFloatArray()).containsOnly(1f);
            assertThat(x.getGradient().toFloatArray()).containsOnly(1f);
        }
    }

    @Test
    void resultsAttachToTheQueryManagerAndNothingElseLeaks() {
        try (NDManager codesManager = manager.newSubManager();
                NDManager queryManager = manager.newSubManager()) {
            Random random = new Random(9);
            NDArray codes = codesManager.create(gaussian(random, 3000 * 8), new Shape(3000, 8));
            NDArray norms = NearestCodeSearch.codeSqNorms(codes);
            assertThat(norms.getManager()).isSameAs(codesManager);
            NDArray x = queryManager.create(gaussian(random, 100 * 8), new Shape(100, 8));
            int codesBefore = codesManager.getManagedArrays().size();
            int queryBefore = queryManager.getManagedArrays().size();
            NearestCodeSearch search =
                    NearestCodeSearch.builder().optTileBytes(4000).build();
            SearchResult r = search.search(x, codes, norms);
            assertThat(r.indices().getManager()).isSameAs(queryManager);
            assertThat(r.distances().getManager()).isSameAs(queryManager);
            assertThat(codesManager.getManagedArrays()).hasSize(codesBefore);
            assertThat(queryManager.getManagedArrays()).hasSize(queryBefore + 2);
            assertThat(x.isReleased()).isFalse();
            assertThat(codes.isReleased()).isFalse();
            assertThat(norms.isReleased()).isFalse();
            NDArray indices = search.nearest(x, codes);
            assertThat(queryManager.getManagedArrays()).hasSize(queryBefore + 3);
            assertThat(indices.toLongArray()).containsExactly(r.indices().toLongArray());
            r.close();
            assertThat(r.indices().isReleased()).isTrue();
            assertThat(queryManager.getManagedArrays()).hasSize(queryBefore + 1);
        }
    }

    @Test
    void emptyQueryGivesEmptyResult() {
        try (NDManager m = manager.newSubManager()) {
            NDArray codes = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            try (SearchResult r = NearestCodeSearch.create().search(m.zeros(new Shape(0, 2)), codes)) {
                assertThat(r.indices().getShape()).isEqualTo(new Shape(0));
                assertThat(r.distances().getShape()).isEqualTo(new Shape(0));
            }
        }
    }

    @Test
    void rejectsBadShapesTypesAndBudgets() {
        try (NDManager m = manager.newSubManager()) {
            NearestCodeSearch search = NearestCodeSearch.create();
            NDArray codes = m.zeros(new Shape(5, 3));
            assertThatThrownBy(() -> search.search(m.zeros(new Shape(4, 2)), codes))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("dimension D");
            assertThatThrownBy(() -> search.search(m.zeros(new Shape(4, 3, 1)), codes))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("(N, D)");
            assertThatThrownBy(() -> search.search(m.zeros(new Shape(4, 3), DataType.FLOAT64), codes))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("float32");
            assertThatThrownBy(() -> search.search(m.zeros(new Shape(4, 3)), codes, m.zeros(new Shape(4))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("codeSqNorms must be (5)");
            assertThatThrownBy(() -> NearestCodeSearch.builder()
                            .optMemoryBudgetBytes(100)
                            .build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("memoryBudgetBytes");
        }
    }

    @Test
    void precomputedNormsGiveTheSameAnswer() {
        try (NDManager m = manager.newSubManager()) {
            Random random = new Random(13);
            NDArray codes = m.create(gaussian(random, 2000 * 6), new Shape(2000, 6));
            NDArray x = m.create(gaussian(random, 64 * 6), new Shape(64, 6));
            NearestCodeSearch search =
                    NearestCodeSearch.builder().optTileBytes(4096).build();
            try (SearchResult a = search.search(x, codes);
                    SearchResult b = search.search(x, codes, NearestCodeSearch.codeSqNorms(codes))) {
                assertThat(b.indices().toLongArray())
                        .containsExactly(a.indices().toLongArray());
                assertThat(b.distances().toFloatArray())
                        .containsExactly(a.distances().toFloatArray());
            }
        }
    }

    @Test
    void codeSqNormsMatchTheSumOfSquaresAcrossItsInternalChunks() {
        try (NDManager m = manager.newSubManager()) {
            int k = 20_000; // more than one internal chunk of 8192 rows
            float[] host = gaussian(new Random(17), k * 3);
            NDArray codes = m.create(host, new Shape(k, 3));
            codes.setRequiresGradient(true);
            NDArray norms = NearestCodeSearch.codeSqNorms(codes);
            assertThat(norms.getShape()).isEqualTo(new Shape(k));
            assertThat(norms.hasGradient()).isFalse();
            float[] values = norms.toFloatArray();
            for (int i = 0; i < k; i += 997) {
                double expected = 0;
                for (int j = 0; j < 3; j++) {
                    expected += (double) host[3 * i + j] * host[3 * i + j];
                }
                assertThat((double) values[i]).isCloseTo(expected, offset(1e-5 * expected + 1e-7));
            }
            assertThat(values[k - 1]).isPositive();
        }
    }

    @Test
    void searchExcludingSelfFindsEveryCodesNearestOtherCodeUnderEveryTiling() {
        int k = 300;
        int d = 5;
        float[] codesHost = gaussian(new Random(21), k * d);
        long[] expected = new long[k];
        double[] expectedDistance = new double[k];
        for (int i = 0; i < k; i++) {
            expectedDistance[i] = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double dist = distance(codesHost, codesHost, d, i, c);
                if (c != i && dist < expectedDistance[i]) {
                    expectedDistance[i] = dist;
                    expected[i] = c;
                }
            }
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray codes = m.create(codesHost, new Shape(k, d));
            NDArray run = codes.get(new NDIndex().addSliceDim(120, 190)); // rows 120..189 of the codebook
            for (NearestCodeSearch s : allTilings()) {
                try (SearchResult all = s.searchExcludingSelf(codes, codes, null, 0);
                        SearchResult part = s.searchExcludingSelf(run, codes, null, 120)) {
                    assertThat(all.indices().toLongArray()).containsExactly(expected);
                    float[] dist = all.distances().toFloatArray();
                    for (int i = 0; i < k; i++) {
                        assertThat((double) dist[i])
                                .isCloseTo(expectedDistance[i], offset(1e-4 * expectedDistance[i] + 1e-5));
                    }
                    assertThat(part.indices().toLongArray()).containsExactly(Arrays.copyOfRange(expected, 120, 190));
                }
            }
        }
    }

    @Test
    void searchExcludingSelfRejectsRowsThatAreNotCodesAndOneCodeCodebooks() {
        try (NDManager m = manager.newSubManager()) {
            NDArray codes = m.randomNormal(new Shape(10, 3));
            NearestCodeSearch s = NearestCodeSearch.create();
            assertThatThrownBy(() -> s.searchExcludingSelf(codes, codes, null, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("rows 1..10 are not codes of a codebook of 10");
            assertThatThrownBy(() -> s.searchExcludingSelf(codes, codes, null, -1))
                    .isInstanceOf(IllegalArgumentException.class);
            NDArray one = m.randomNormal(new Shape(1, 3));
            assertThatThrownBy(() -> s.searchExcludingSelf(one, one, null, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("K >= 2");
        }
    }

    /**
     * The fused scan (CPU default for small D) and every tiling, each with the Java row scan and
     * with the engine's argMin.
     */
    private static NearestCodeSearch[] allTilings() {
        List<NearestCodeSearch> searches = new ArrayList<>();
        searches.add(NearestCodeSearch.create());
        for (boolean engine : new boolean[] {false, true}) {
            searches.add(NearestCodeSearch.builder()
                    .optEngineArgMin(engine)
                    .optTiledScan(true)
                    .build());
            searches.add(NearestCodeSearch.builder()
                    .optEngineArgMin(engine)
                    .optTiledScan(true)
                    .optTileBytes(40)
                    .build());
            searches.add(NearestCodeSearch.builder()
                    .optEngineArgMin(engine)
                    .optTiledScan(true)
                    .optTileBytes(400)
                    .optMaxCodeChunk(10)
                    .build());
            searches.add(NearestCodeSearch.builder()
                    .optEngineArgMin(engine)
                    .optTiledScan(true)
                    .optTileBytes(4096)
                    .optMaxCodeChunk(7)
                    .build());
            searches.add(NearestCodeSearch.builder()
                    .optEngineArgMin(engine)
                    .optTiledScan(true)
                    .optMemoryBudgetBytes(4096)
                    .build());
        }
        return searches.toArray(new NearestCodeSearch[0]);
    }

    private static long[] exactArgMin(float[] x, float[] codes, int n, int k, int d) {
        long[] best = new long[n];
        for (int i = 0; i < n; i++) {
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double dist = distance(x, codes, d, i, c);
                if (dist < bestDistance) {
                    bestDistance = dist;
                    best[i] = c;
                }
            }
        }
        return best;
    }

    private static double distance(float[] x, float[] codes, int d, int row, int code) {
        double sum = 0;
        for (int j = 0; j < d; j++) {
            double diff = (double) x[row * d + j] - codes[code * d + j];
            sum += diff * diff;
        }
        return sum;
    }

    private static float[] gaussian(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** The textbook search: the whole (N, K) matrix ||x||^2 - 2 x.c + ||c||^2, then argMin per row. */
    private static NDArray fullMatrixArgMin(NDArray x, NDArray codes) {
        NDArray distances = x.matMul(codes.transpose()).mul(-2f);
        distances.addi(x.square().sum(new int[] {1}, true));
        distances.addi(codes.square().sum(new int[] {1}));
        return distances.argMin(1);
    }
}
