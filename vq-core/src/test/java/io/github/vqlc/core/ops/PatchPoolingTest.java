package io.github.vqlc.core.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class PatchPoolingTest {

    @Test
    void divisibleMapsAreAveragedOverNonOverlappingBlocks() {
        try (NDManager m = NDManager.newBaseManager()) {
            // (1, 2, 4, 4): channel 0 holds 0..15 row-major, channel 1 holds 100 + the same
            float[] v = new float[32];
            for (int i = 0; i < 16; i++) {
                v[i] = i;
                v[16 + i] = 100 + i;
            }
            NDArray map = m.create(v, new Shape(1, 2, 4, 4));
            NDArray pooled = PatchPooling.pool(map, 2);
            assertThat(pooled.getShape()).isEqualTo(new Shape(1, 2, 2, 2));
            // top-left block {0, 1, 4, 5} -> 2.5; top-right {2, 3, 6, 7} -> 4.5; bottom-left {8, 9, 12, 13} -> 10.5
            assertThat(pooled.toFloatArray()).containsExactly(2.5f, 4.5f, 10.5f, 12.5f, 102.5f, 104.5f, 110.5f, 112.5f);
            // rows: (B, g*g, D), cell-major
            NDArray rows = PatchPooling.rows(pooled);
            assertThat(rows.getShape()).isEqualTo(new Shape(1, 4, 2));
            assertThat(rows.toFloatArray()).containsExactly(2.5f, 102.5f, 4.5f, 104.5f, 10.5f, 110.5f, 12.5f, 112.5f);
            assertThat(PatchPooling.pool(map, 1).toFloatArray()).containsExactly(7.5f, 107.5f);
        }
    }

    @Test
    void nonDivisibleMapsUseAdaptiveBinsLikePyTorch() {
        try (NDManager m = NDManager.newBaseManager()) {
            // one channel, 3x3 map 0..8 pooled to 2x2: bins rows [0,2) and [1,3), same for columns
            NDArray map = m.arange(9f).reshape(1, 1, 3, 3);
            float[] p = PatchPooling.pool(map, 2).toFloatArray();
            // {0,1,3,4} = 2, {1,2,4,5} = 3, {3,4,6,7} = 5, {4,5,7,8} = 6
            assertThat(p).containsExactly(2f, 3f, 5f, 6f);
            // 5 columns to 2: [0,3) and [2,5)
            NDArray row = m.create(new float[] {1, 2, 3, 4, 5}, new Shape(1, 1, 1, 5));
            float[] q = PatchPooling.pool(row, 2).reshape(-1).toFloatArray(); // rows of 1 to 2 bins: both [0,1)
            assertThat(q[0]).isCloseTo(2f, within(1e-6f));
            assertThat(q[1]).isCloseTo(4f, within(1e-6f));
            assertThat(q[2]).isCloseTo(2f, within(1e-6f));
        }
    }
}
