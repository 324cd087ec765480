package io.github.vqlc.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class LevelCodesTest {

    @Test
    void levelGsCodeIIsPooledCodeGKPlusI() {
        try (NDManager m = NDManager.newBaseManager()) {
            // (B=1, H=1, W=2, G=3), K = 10
            NDArray indices = m.create(new long[] {1, 2, 3, 4, 5, 6}, new Shape(1, 1, 2, 3));
            assertThat(LevelCodes.pooled(indices, 10).toLongArray()).containsExactly(1, 12, 23, 4, 15, 26);
            NDArray flat = m.create(new long[] {7, 8}, new Shape(1, 1, 2));
            assertThat(LevelCodes.pooled(flat, 10)).isSameAs(flat);
            assertThat(LevelCodes.pooled(new long[] {1, 2, 3, 4, 5, 6}, 10, 3)).containsExactly(1, 12, 23, 4, 15, 26);
            // counted over G K codes: 6 of 30 used, each level's codebook apart
            CodeUsage usage = new CodeUsage(30);
            usage.add(LevelCodes.pooled(indices, 10));
            assertThat(usage.used()).isEqualTo(6);
        }
    }
}
