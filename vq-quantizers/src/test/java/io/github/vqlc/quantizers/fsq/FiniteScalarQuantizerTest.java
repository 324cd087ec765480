package io.github.vqlc.quantizers.fsq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.core.testing.QuantizerContractTest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class FiniteScalarQuantizerTest extends QuantizerContractTest {

    /** K = 2^d: d dimensions of two levels each. */
    @Override
    protected Quantizer create(int k, int d) {
        assertThat(k).as("the contract's K is 2^D").isEqualTo(1 << d);
        return new FiniteScalarQuantizer(Collections.nCopies(d, 2));
    }

    private FiniteScalarQuantizer levels85() {
        FiniteScalarQuantizer q = new FiniteScalarQuantizer(List.of(8, 5));
        q.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 1, 3));
        return q;
    }

    @Test
    void constantsOfTheBoundByHand() {
        // L = 8: h = 7 x 1.001 / 2 = 3.5035, o = 0.5, s = atanh(0.5 / 3.5035) = atanh(0.1427144) = 0.1436954
        assertThat(FiniteScalarQuantizer.value(8, FiniteScalarQuantizer.Column.HALF_RANGE))
                .isCloseTo(3.5035f, within(1e-6f));
        assertThat(FiniteScalarQuantizer.value(8, FiniteScalarQuantizer.Column.SHIFT))
                .isCloseTo(0.1436954f, within(1e-6f));
        assertThat(FiniteScalarQuantizer.value(8, FiniteScalarQuantizer.Column.HALF_WIDTH))
                .isEqualTo(4f);
        // L = 5: h = 2.002, no offset, no shift
        assertThat(FiniteScalarQuantizer.value(5, FiniteScalarQuantizer.Column.HALF_RANGE))
                .isCloseTo(2.002f, within(1e-6f));
        assertThat(FiniteScalarQuantizer.value(5, FiniteScalarQuantizer.Column.OFFSET))
                .isZero();
        assertThat(FiniteScalarQuantizer.value(5, FiniteScalarQuantizer.Column.SHIFT))
                .isZero();
    }

    @Test
    void zeroAndSaturatedLatentsByHand() {
        FiniteScalarQuantizer q = levels85();
        // (B=1, D=2, H=1, W=3): columns z = (0, 0), (10, 10), (-10, -10)
        NDArray z = manager.create(new float[] {0, 10, -10, 0, 10, -10}, new Shape(1, 2, 1, 3));
        QuantizerOutput out = q.quantize(ps, z, false);
        // z = 0: dim 0 (L 8): tanh(s) h - o = 0.5 - 0.5 = 0 -> 0 / 4; digit 4. dim 1 (L 5): 0; digit 2.
        // z = 10: 3.5035 - 0.5 -> 3 -> 0.75, digit 7; 2.002 -> 2 -> 1, digit 4.
        // z = -10: -3.5035 - 0.5 -> -4 -> -1, digit 0; -2 -> -1, digit 0.
        assertThat(out.quantized().toFloatArray()).containsExactly(0f, 0.75f, -1f, 0f, 1f, -1f);
        // index = digit0 + 8 digit1: 4 + 16, 7 + 32, 0
        assertThat(out.indices().toLongArray()).containsExactly(20, 39, 0);
        assertThat(q.codebookSize()).isEqualTo(40);
        assertThat(out.losses()).isEmpty();
        assertThat(out.loss().getFloat()).isZero();
        assertThat(q.getParameters().isEmpty()).isTrue();
    }

    @Test
    void everyCodeIsReachableAndItsLatentQuantizesBackToIt() {
        FiniteScalarQuantizer q = levels85();
        NDArray all = manager.create(LongStream.range(0, 40).toArray(), new Shape(1, 1, 40));
        NDArray codes = q.lookup(ps, all); // (1, 2, 1, 40) in [-1, 1]
        // the latent whose bounded value is exactly the code: z = atanh((q + o) / h) - s
        float[] c = codes.toFloatArray();
        float[] z = new float[c.length];
        int[] levels = {8, 5};
        for (int d = 0; d < 2; d++) {
            for (int i = 0; i < 40; i++) {
                int l = levels[d];
                double qv = c[d * 40 + i] * (l / 2);
                double h = FiniteScalarQuantizer.value(l, FiniteScalarQuantizer.Column.HALF_RANGE);
                double o = FiniteScalarQuantizer.value(l, FiniteScalarQuantizer.Column.OFFSET);
                double s = FiniteScalarQuantizer.value(l, FiniteScalarQuantizer.Column.SHIFT);
                double t = (qv + o) / h;
                z[d * 40 + i] = (float) (0.5 * Math.log((1 + t) / (1 - t)) - s);
            }
        }
        QuantizerOutput out = q.quantize(ps, manager.create(z, new Shape(1, 2, 1, 40)), false);
        assertThat(out.indices().toLongArray())
                .containsExactly(LongStream.range(0, 40).toArray());
        assertThat(Arrays.stream(out.indices().toLongArray()).distinct().count())
                .isEqualTo(40);
    }

    @Test
    void theGradientIsTheBoundsDerivativeThroughTheRounding() {
        FiniteScalarQuantizer q = levels85();
        NDArray z = manager.create(new float[] {0.3f, 0.3f}, new Shape(1, 2, 1, 1));
        z.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(q.quantize(ps, z, true).quantized().sum());
        }
        float[] g = z.getGradient().toFloatArray();
        // d/dz [tanh(z + s) h - o] / floor(L/2) = h (1 - tanh^2(z + s)) / floor(L/2)
        double t8 = Math.tanh(0.3 + 0.1436954);
        assertThat((double) g[0]).isCloseTo(3.5035 * (1 - t8 * t8) / 4, within(1e-5));
        double t5 = Math.tanh(0.3);
        assertThat((double) g[1]).isCloseTo(2.002 * (1 - t5 * t5) / 2, within(1e-5));
    }

    @Test
    void theFactoryChecksTheLevelsAgainstTheCodebookSizeAndTheLatentWidth() {
        assertThat(QuantizerFactory.discover().contains("fsq")).isTrue();
        QuantizerContext four = new QuantizerContext(4, 0, Path.of("."));
        Quantizer q = new FiniteScalarQuantizerFactory().create(section("codebook-size = 1000"), four);
        assertThat(q.codebookSize()).isEqualTo(1000);
        assertThat(((FiniteScalarQuantizer) q).levels()).containsExactly(8, 5, 5, 5);
        assertThatThrownBy(() -> new FiniteScalarQuantizerFactory().create(section(""), four))
                .isInstanceOf(UserException.class)
                .hasMessageContaining(
                        "quantizer.levels [8, 5, 5, 5] make 1000 codes but quantizer.codebook-size = 1024")
                .hasMessageContaining("set quantizer.codebook-size = 1000")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() ->
                        new FiniteScalarQuantizerFactory().create(section("codebook-size = 64, levels = [8, 8]"), four))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("2 entries but model.embed-dim = 4");
        assertThatThrownBy(() -> new FiniteScalarQuantizerFactory()
                        .create(section("codebook-size = 8, levels = [8, 1, 1, 1]"), four))
                .isInstanceOf(UserException.class)
                .hasMessageContaining(">= 2");
    }

    /** The section a run would hand the factory: user keys over the common and the fsq defaults. */
    private static Config section(String user) {
        Config reference = ConfigFactory.defaultReference();
        return ConfigFactory.parseString(user)
                .withFallback(reference.getConfig("quantizer"))
                .withFallback(reference.getConfig("quantizer-types.fsq"))
                .resolve();
    }
}
