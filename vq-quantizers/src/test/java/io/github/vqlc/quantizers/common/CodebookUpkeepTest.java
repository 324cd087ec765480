package io.github.vqlc.quantizers.common;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.search.NearestCodeSearch;
import io.github.vqlc.core.spi.StepContext;
import io.github.vqlc.quantizers.vq.VectorQuantizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CodebookUpkeepTest {

    private NDManager manager;
    private ParameterStore ps;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        ps = new ParameterStore(manager, false);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /** (B=1, D=2, H=1, W=4n): n points around each of (5, 5), (-5, 5), (-5, -5), (5, -5). */
    private NDArray fourClusters(int n) {
        float[][] centres = {{5, 5}, {-5, 5}, {-5, -5}, {5, -5}};
        float[] x = new float[2 * 4 * n];
        int w = 4 * n;
        for (int c = 0; c < 4; c++) {
            for (int i = 0; i < n; i++) {
                float jitter = 0.1f * ((i % 3) - 1);
                x[c * n + i] = centres[c][0] + jitter;
                x[w + c * n + i] = centres[c][1] - jitter;
            }
        }
        return manager.create(x, new Shape(1, 2, 1, w));
    }

    @Test
    void kmeansInitializationPutsACodeOnEveryClusterOfTheFirstBatch() {
        VectorQuantizer q = new VectorQuantizer(4, 2, 0.25f, NearestCodeSearch.create()).withUpkeep(true, 3, 0);
        q.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 1, 40));
        assertThat(q.initializeFrom(ps, fourClusters(10))).isTrue();
        float[] codes = q.codebook().getArray().toFloatArray();
        List<String> quadrants = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            assertThat(Math.abs(Math.abs(codes[2 * k]) - 5)).isLessThan(0.1f);
            assertThat(Math.abs(Math.abs(codes[2 * k + 1]) - 5)).isLessThan(0.1f);
            quadrants.add(Math.signum(codes[2 * k]) + "," + Math.signum(codes[2 * k + 1]));
        }
        assertThat(quadrants).doesNotHaveDuplicates();
        // then every cluster has its own code: utilization 4 of 4
        long[] idx = q.quantize(ps, fourClusters(10), false).indices().toLongArray();
        assertThat(Arrays.stream(idx).distinct().count()).isEqualTo(4);
    }

    @Test
    void withFewerVectorsThanCodesTheCodesAreNoisyBatchVectors() {
        NDArray batch = fourClusters(1).transpose(0, 2, 3, 1).reshape(4, 2); // 4 vectors
        NDArray codes = CodebookUpkeep.initialCodes(batch, 16, 5);
        assertThat(codes.getShape()).isEqualTo(new Shape(16, 2));
        float[] c = codes.toFloatArray();
        for (int k = 0; k < 16; k++) {
            // within 1% of the vectors' std (about 5) times a few sigmas of a batch vector
            assertThat(Math.abs(Math.abs(c[2 * k]) - 5)).isLessThan(0.3f);
            assertThat(Math.abs(Math.abs(c[2 * k + 1]) - 5)).isLessThan(0.3f);
        }
    }

    @Test
    void deadCodesRestartAtTheNextStepFromBatchVectorsAndTheOptimizerIsTold() {
        VectorQuantizer q = new VectorQuantizer(4, 2, 0.25f, NearestCodeSearch.create()).withUpkeep(false, 0, 0.995f);
        q.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 1, 4));
        // codes near (5, 5) only: every input picks code 0, codes 1..3 go unused
        q.codebook().getArray().set(new float[] {5, 5, -1, -1, -1, -1.5f, -1, -2});
        List<long[]> told = new ArrayList<>();
        q.setRowReplacements((p, rows) -> {
            assertThat(p).isSameAs(q.codebook());
            told.add(rows.toLongArray());
        });
        NDArray z = manager.create(new float[] {5.1f, 4.9f, 5, 5, 5.2f, 4.8f, 5, 5}, new Shape(1, 2, 1, 4));
        q.quantize(ps, z, true);
        // decided, not applied: the codebook is unchanged until the step boundary
        assertThat(q.codebook().getArray().toFloatArray()[2]).isEqualTo(-1f);
        assertThat(told).isEmpty();
        q.beforeStep(new StepContext(2, 10));
        assertThat(told).hasSize(1);
        assertThat(told.get(0)).containsExactly(1, 2, 3);
        float[] codes = q.codebook().getArray().toFloatArray();
        float[] batch = {5.1f, 4.9f, 5, 5, 5.2f, 4.8f, 5, 5}; // x of each input, then y (as z)
        for (int k = 1; k < 4; k++) {
            boolean isBatchVector = false;
            for (int i = 0; i < 4; i++) {
                isBatchVector |= codes[2 * k] == batch[i] && codes[2 * k + 1] == batch[4 + i];
            }
            assertThat(isBatchVector).as("code %d is a batch vector", k).isTrue();
        }
        assertThat(codes[0]).isEqualTo(5f);
        // nothing pending any more
        q.beforeStep(new StepContext(3, 10));
        assertThat(told).hasSize(1);
    }
}
