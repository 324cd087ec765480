package io.github.vqlc.quantizers.vq;

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
import io.github.vqlc.core.ops.GradientEstimator;
import io.github.vqlc.core.search.NearestCodeSearch;
import io.github.vqlc.core.spi.AbstractQuantizer;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.core.testing.QuantizerContractTest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class VectorQuantizerTest extends QuantizerContractTest {

    @Override
    protected Quantizer create(int k, int d) {
        return new VectorQuantizer(k, d, 0.25f, NearestCodeSearch.create());
    }

    /** Codebook {(0,0), (1,0), (0,2)}; latents (B=1, D=2, H=1, W=3) = (0.9,0.1), (0.1,1.8), (-0.2,-0.1). */
    private VectorQuantizer handMade() {
        VectorQuantizer q = new VectorQuantizer(3, 2, 0.25f, NearestCodeSearch.create());
        q.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 1, 3));
        q.codebook().getArray().set(new float[] {0, 0, 1, 0, 0, 2});
        return q;
    }

    private NDArray handLatents() {
        // (B, D, H, W): channel 0 then channel 1
        return manager.create(new float[] {0.9f, 0.1f, -0.2f, 0.1f, 1.8f, -0.1f}, new Shape(1, 2, 1, 3));
    }

    @Test
    void choosesNearestCodesAndComputesLossesByHand() {
        VectorQuantizer q = handMade();
        QuantizerOutput out = q.quantize(ps, handLatents(), false);
        assertThat(out.indices().toLongArray()).containsExactly(1, 2, 0);
        // quantized = chosen codes: (1,0), (0,2), (0,0) laid out as (B, D, H, W)
        assertThat(out.quantized().toFloatArray()).containsExactly(1f, 0f, 0f, 0f, 2f, 0f);
        // squared errors: (0.01+0.01) + (0.01+0.04) + (0.04+0.01) = 0.12 over 6 elements
        float mse = 0.12f / 6;
        assertThat(out.losses().get("codebook").getFloat()).isCloseTo(mse, within(1e-6f));
        assertThat(out.losses().get("commitment").getFloat()).isCloseTo(0.25f * mse, within(1e-6f));
        assertThat(out.loss().getFloat()).isCloseTo(1.25f * mse, within(1e-6f));
    }

    @Test
    void theAuthorsLossFormWeighsTheCodebookTermAndTheCommitmentTerm() {
        VectorQuantizer q = new VectorQuantizer(3, 2, 1f, 0.33f, NearestCodeSearch.create());
        q.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 1, 3));
        q.codebook().getArray().set(new float[] {0, 0, 1, 0, 0, 2});
        QuantizerOutput out = q.quantize(ps, handLatents(), false);
        float mse = 0.12f / 6;
        assertThat(out.losses().get("codebook").getFloat()).isCloseTo(0.33f * mse, within(1e-6f));
        assertThat(out.losses().get("commitment").getFloat()).isCloseTo(mse, within(1e-6f));
    }

    @Test
    void codebookGetsGradientFromCodebookLossOnlyForChosenRows() {
        VectorQuantizer q = handMade();
        NDArray cb = q.codebook().getArray();
        cb.setRequiresGradient(true);
        NDArray z = handLatents();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(q.quantize(ps, z, true).losses().get("codebook"));
        }
        // d/dc mean((c - z)^2) over 6 elements = 2 (c - z) / 6 for each chosen row
        float[] g = cb.getGradient().toFloatArray();
        float[] expected = {
            2 * (0 + 0.2f) / 6,
            2 * (0 + 0.1f) / 6, // row 0 <- (-0.2, -0.1)
            2 * (1 - 0.9f) / 6,
            2 * (0 - 0.1f) / 6, // row 1 <- (0.9, 0.1)
            2 * (0 - 0.1f) / 6,
            2 * (2 - 1.8f) / 6
        }; // row 2 <- (0.1, 1.8)
        for (int i = 0; i < 6; i++) {
            assertThat(g[i]).as("grad[%d]", i).isCloseTo(expected[i], within(1e-6f));
        }
    }

    @Test
    void straightThroughPassesTheIdentityGradientToTheEncoder() {
        VectorQuantizer q = handMade();
        NDArray z = handLatents();
        z.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(q.quantize(ps, z, true).quantized().sum());
        }
        assertThat(z.getGradient().toFloatArray()).containsOnly(1f);
    }

    @Test
    void commitmentPullsTheEncoderTowardsItsCode() {
        VectorQuantizer q = handMade();
        NDArray z = handLatents();
        z.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(q.quantize(ps, z, true).losses().get("commitment"));
        }
        // d/dz 0.25 mean((z - c)^2) = 0.5 (z - c) / 6; first element z=0.9, c=1
        assertThat(z.getGradient().toFloatArray()[0]).isCloseTo(0.5f * (0.9f - 1f) / 6, within(1e-6f));
    }

    @Test
    void theGradientOptionReachesEveryCodebookQuantizerAndATypoIsOneLine() {
        Config reference = ConfigFactory.defaultReference();
        QuantizerContext four = new QuantizerContext(4, 0, Path.of("."));
        for (String type : List.of("vq", "ema", "fc", "lc")) {
            Config section = ConfigFactory.parseString("type = " + type + ", gradient = rotation")
                    .withFallback(reference.getConfig("quantizer"))
                    .withFallback(reference.getConfig("quantizer-types." + type))
                    .resolve();
            AbstractQuantizer q =
                    (AbstractQuantizer) QuantizerFactory.discover().get(type).create(section, four);
            assertThat(q.gradientEstimator()).as(type).isEqualTo(GradientEstimator.ROTATION);
            Config defaults =
                    reference.getConfig("quantizer").withFallback(reference.getConfig("quantizer-types." + type));
            assertThat(((AbstractQuantizer)
                                    QuantizerFactory.discover().get(type).create(defaults, four))
                            .gradientEstimator())
                    .isEqualTo(GradientEstimator.STRAIGHT_THROUGH);
        }
        Config typo = ConfigFactory.parseString("gradient = rotate")
                .withFallback(reference.getConfig("quantizer"))
                .withFallback(reference.getConfig("quantizer-types.vq"));
        assertThatThrownBy(() -> new VectorQuantizerFactory().create(typo, four))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("quantizer.gradient = 'rotate'")
                .hasMessageContaining("straight-through, rotation");
    }

    @Test
    void withTheRotationTrickTheEncoderGradientFollowsTheCodesDirection() {
        VectorQuantizer q = handMade();
        q.setGradientEstimator(GradientEstimator.ROTATION);
        NDArray z = handLatents();
        z.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            QuantizerOutput out = q.quantize(ps, z, true);
            assertThat(out.quantized().toFloatArray()).containsExactly(1f, 0f, 0f, 0f, 2f, 0f);
            gc.backward(out.quantized().sum());
        }
        // column 0: z = (0.9, 0.1) -> q = (1, 0); straight-through would give (1, 1), the rotation
        // (lambda R)^T (1, 1) differs
        float[] g = z.getGradient().toFloatArray();
        assertThat(g[0]).isNotCloseTo(1f, within(1e-3f));
        assertThat(Float.isFinite(g[0]) && Float.isFinite(g[3])).isTrue();
    }
}
