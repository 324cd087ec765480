package org.example.vqlc.sign;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.core.testing.QuantizerContractTest;
import org.junit.jupiter.api.Test;

/** vqlc's contract every quantizer honours (vq-core's test-jar), plus values by hand. */
class SignQuantizerTest extends QuantizerContractTest {

    @Override
    protected Quantizer create(int k, int d) {
        assertThat(k).isEqualTo(1 << d);
        return new SignQuantizer(d, 0.25f);
    }

    @Test
    void signsAndBitsByHand() {
        Quantizer q = initialized(4, 2);
        // (B=1, D=2, H=1, W=3): columns (0.5, -2), (-0.1, 0.3), (0, 0)
        NDArray z = manager.create(new float[] {0.5f, -0.1f, 0f, -2f, 0.3f, 0f}, new Shape(1, 2, 1, 3));
        QuantizerOutput out = q.quantize(ps, z, false);
        assertThat(out.quantized().toFloatArray()).containsExactly(1f, -1f, 1f, -1f, 1f, 1f);
        assertThat(out.indices().toLongArray()).containsExactly(1, 2, 3);
        // commitment: 0.25 x mean of (0.25, 0.81, 1, 1, 0.49, 1) = 0.25 x 4.55 / 6
        assertThat(out.loss().getFloat()).isCloseTo(0.25f * 4.55f / 6, org.assertj.core.api.Assertions.within(1e-6f));
        assertThat(q.lookup(ps, manager.create(new long[] {0, 3}, new Shape(1, 1, 2))).toFloatArray())
                .containsExactly(-1f, 1f, -1f, 1f);
    }

    @Test
    void vqlcFindsTheFactory() {
        assertThat(QuantizerFactory.discover().contains("sign")).isTrue();
        assertThat(initialized(16, 4).quantize(ps, latents(1, 2, 4, 2, 2), false).indices().getDataType())
                .isEqualTo(DataType.INT64);
    }
}
