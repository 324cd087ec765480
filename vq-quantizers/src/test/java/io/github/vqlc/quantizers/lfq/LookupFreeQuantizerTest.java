package io.github.vqlc.quantizers.lfq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
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
import io.github.vqlc.quantizers.common.BinaryCodeEntropy;
import io.github.vqlc.quantizers.common.SignQuantizer;
import java.nio.file.Path;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LookupFreeQuantizerTest extends QuantizerContractTest {

    private static final SignQuantizer.Options OPTIONS = new SignQuantizer.Options(0.25f, 0.1f, 1f, 100f);

    @Override
    protected Quantizer create(int k, int d) {
        assertThat(k).as("the contract's K is 2^D").isEqualTo(1 << d);
        return new LookupFreeQuantizer(d, OPTIONS, new BinaryCodeEntropy(d, 64L << 20));
    }

    @Test
    void signsIndicesAndCommitmentByHand() {
        Quantizer q = initialized(4, 2);
        // (B=1, D=2, H=1, W=3): columns (0.5, -2), (-0.1, 0.3), (2, 1)
        NDArray z = manager.create(new float[] {0.5f, -0.1f, 2f, -2f, 0.3f, 1f}, new Shape(1, 2, 1, 3));
        QuantizerOutput out = q.quantize(ps, z, false);
        assertThat(out.quantized().toFloatArray()).containsExactly(1f, -1f, 1f, -1f, 1f, 1f);
        // index = bit0 + 2 bit1
        assertThat(out.indices().toLongArray()).containsExactly(1, 2, 3);
        // squared errors (0.5-1)^2 + (-0.1+1)^2 + (2-1)^2 + (-2+1)^2 + (0.3-1)^2 + 0 = 3.55 over 6, times beta
        assertThat(out.losses().get("commitment").getFloat()).isCloseTo(0.25f * 3.55f / 6, within(1e-6f));
        assertThat(out.losses()).doesNotContainKey("entropy");
        assertThat(q.getParameters().isEmpty()).isTrue();
    }

    @Test
    void everyCodeLooksUpToItsSignsAndQuantizesBackToIt() {
        Quantizer q = initialized(16, 4);
        NDArray all = manager.create(LongStream.range(0, 16).toArray(), new Shape(1, 1, 16));
        NDArray codes = q.lookup(ps, all);
        assertThat(codes.abs().toFloatArray()).containsOnly(1f);
        assertThat(q.quantize(ps, codes, false).indices().toLongArray())
                .containsExactly(LongStream.range(0, 16).toArray());
    }

    @Test
    void trainingAddsTheEntropyTermWhoseGradientReachesTheLatents() {
        Quantizer q = initialized(16, 4);
        NDArray z = latents(5, 2, 4, 3, 3).mul(0.01f); // small: soft assignments, live entropy gradient
        z.setRequiresGradient(true);
        QuantizerOutput out;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            out = q.quantize(ps, z, true);
            gc.backward(out.losses().get("entropy"));
        }
        // entropy-weight (per-sample - codebook), each in [0, 4 ln 2]
        float e = out.losses().get("entropy").getFloat();
        assertThat(e).isBetween(-0.1f * 4 * (float) Math.log(2), 0.1f * 4 * (float) Math.log(2));
        assertThat(z.getGradient().abs().sum().getFloat()).isGreaterThan(0f);
    }

    @Test
    void theFactoryChecksBitsAgainstTheCodebookSizeAndTheIndexType() {
        assertThat(QuantizerFactory.discover().contains("lfq")).isTrue();
        Quantizer q = new LookupFreeQuantizerFactory().create(section("codebook-size = 1024"), context(10));
        assertThat(q.codebookSize()).isEqualTo(1024);
        assertThatThrownBy(() -> new LookupFreeQuantizerFactory().create(section("codebook-size = 1000"), context(10)))
                .isInstanceOf(UserException.class)
                .hasMessageContaining(
                        "lfq with model.embed-dim = 10 bits makes 1024 codes but quantizer.codebook-size = 1000")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> new LookupFreeQuantizerFactory().create(section("codebook-size = 1024"), context(40)))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("2^40 codes")
                .hasMessageContaining("at most 30 bits");
        assertThatThrownBy(() -> new LookupFreeQuantizerFactory()
                        .create(
                                section("codebook-size = 1048576, entropy-budget-mb = 1, entropy-group-bits = 20"),
                                context(20)))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("quantizer.entropy-budget-mb = 1 is below the 13 MiB a 20-bit entropy");
    }

    private static QuantizerContext context(int d) {
        return new QuantizerContext(d, 0, Path.of("."));
    }

    /** The section a run would hand the factory: user keys over the common and the lfq defaults. */
    static Config section(String user) {
        Config reference = ConfigFactory.defaultReference();
        return ConfigFactory.parseString(user)
                .withFallback(reference.getConfig("quantizer"))
                .withFallback(reference.getConfig("quantizer-types.lfq"))
                .resolve();
    }
}
