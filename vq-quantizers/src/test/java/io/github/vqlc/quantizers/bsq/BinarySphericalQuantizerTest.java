package io.github.vqlc.quantizers.bsq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.core.testing.QuantizerContractTest;
import io.github.vqlc.quantizers.common.BinaryCodeEntropy;
import io.github.vqlc.quantizers.common.SignQuantizer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BinarySphericalQuantizerTest extends QuantizerContractTest {

    @Override
    protected Quantizer create(int k, int d) {
        assertThat(k).as("the contract's K is 2^D").isEqualTo(1 << d);
        return new BinarySphericalQuantizer(
                d, new SignQuantizer.Options(0.25f, 0.1f, 1f, 1f), new BinaryCodeEntropy(2, 64L << 20));
    }

    @Test
    void normalizesThenSignsOnTheSphereByHand() {
        Quantizer q = initialized(4, 2);
        // columns (3, 4) -> u (0.6, 0.8), code (1, 1)/sqrt 2, index 3; (-1, 0) -> u (-1, 0), code
        // (-1, -1)/sqrt 2 (zero is not positive), index 0
        NDArray z = manager.create(new float[] {3f, -1f, 4f, 0f}, new Shape(1, 2, 1, 2));
        QuantizerOutput out = q.quantize(ps, z, false);
        float s = (float) (1 / Math.sqrt(2));
        assertThat(out.quantized().toFloatArray()).containsExactly(new float[] {s, -s, s, -s}, within(1e-7f));
        assertThat(out.indices().toLongArray()).containsExactly(3, 0);
        double e = Math.pow(0.6 - s, 2) + Math.pow(0.8 - s, 2) + Math.pow(-1 + s, 2) + Math.pow(s, 2);
        assertThat((double) out.losses().get("commitment").getFloat()).isCloseTo(0.25 * e / 4, within(1e-6));
        // every code has unit norm
        NDArray codes = q.quantize(ps, z, false).quantized();
        assertThat(codes.square().sum(new int[] {1}).toFloatArray()).containsOnly(new float[] {1f}, within(1e-6f));
    }

    @Test
    void theGradientToTheLatentIsTheNormalizationsJacobian() {
        Quantizer q = initialized(4, 2);
        NDArray z = manager.create(new float[] {3f, 4f}, new Shape(1, 2, 1, 1));
        z.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            // d/dz of sum(u) with u = z / |z|: (1 - u (u . 1)) / |z|
            gc.backward(q.quantize(ps, z, false).quantized().sum());
        }
        float[] g = z.getGradient().toFloatArray();
        assertThat(g[0]).isCloseTo((1 - 0.6f * 1.4f) / 5, within(1e-6f));
        assertThat(g[1]).isCloseTo((1 - 0.8f * 1.4f) / 5, within(1e-6f));
    }

    @Test
    void theFactoryReadsTheGroupedEntropyDefaults() {
        assertThat(QuantizerFactory.discover().contains("bsq")).isTrue();
        Config reference = ConfigFactory.defaultReference();
        Config section = ConfigFactory.parseString("codebook-size = 65536")
                .withFallback(reference.getConfig("quantizer"))
                .withFallback(reference.getConfig("quantizer-types.bsq"))
                .resolve();
        Quantizer q = new BinarySphericalQuantizerFactory().create(section, new QuantizerContext(16, 0, Path.of(".")));
        assertThat(q.codebookSize()).isEqualTo(65536);
        assertThat(q.type()).isEqualTo("bsq");
    }
}
