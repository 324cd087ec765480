package io.github.vqlc.quantizers.rvq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.github.vqlc.core.search.NearestCodeSearch;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.core.testing.QuantizerContractTest;
import io.github.vqlc.quantizers.ema.EmaQuantizer;
import io.github.vqlc.quantizers.vq.VectorQuantizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResidualQuantizerTest extends QuantizerContractTest {

    @Override
    protected Quantizer create(int k, int d) {
        return new ResidualQuantizer(List.of(level(k, d), level(k, d), level(k, d)));
    }

    private static VectorQuantizer level(int k, int d) {
        return new VectorQuantizer(k, d, 0.25f, NearestCodeSearch.create());
    }

    /** Two levels of codes {(0,0), (2,0), (0,2)} then {(0,0), (0.5,0), (0,-0.5)}. */
    private ResidualQuantizer handMade() {
        VectorQuantizer a = level(3, 2);
        VectorQuantizer b = level(3, 2);
        ResidualQuantizer q = new ResidualQuantizer(List.of(a, b));
        q.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 1, 2));
        a.codebook().getArray().set(new float[] {0, 0, 2, 0, 0, 2});
        b.codebook().getArray().set(new float[] {0, 0, 0.5f, 0, 0, -0.5f});
        return q;
    }

    @Test
    void eachLevelQuantizesTheResidualOfTheLevelsBeforeIt() {
        ResidualQuantizer q = handMade();
        // (B=1, D=2, H=1, W=2): columns (2.4, 0.1) and (0.1, 1.6)
        NDArray z = manager.create(new float[] {2.4f, 0.1f, 0.1f, 1.6f}, new Shape(1, 2, 1, 2));
        QuantizerOutput out = q.quantize(ps, z, false);
        // column 0: level 0 -> (2, 0), residual (0.4, 0.1) -> (0.5, 0): sum (2.5, 0)
        // column 1: level 0 -> (0, 2), residual (0.1, -0.4) -> (0, -0.5): sum (0, 1.5)
        assertThat(out.indices().getShape()).isEqualTo(new Shape(1, 1, 2, 2));
        assertThat(out.indices().toLongArray()).containsExactly(1, 1, 2, 2);
        assertThat(out.quantized().toFloatArray()).containsExactly(2.5f, 0f, 0f, 1.5f);
        // codebook terms summed over levels: level 0 errors (0.16 + 0.01 + 0.01 + 0.16) / 4, level 1
        // (0.01 + 0.01 + 0.01 + 0.01) / 4
        assertThat(out.losses().get("codebook").getFloat()).isCloseTo(0.085f + 0.01f, within(1e-6f));
        assertThat(out.losses().get("commitment").getFloat()).isCloseTo(0.25f * 0.095f, within(1e-6f));
        assertThat(q.codesPerPosition()).isEqualTo(2);
        assertThat(q.getOutputShapes(new Shape[] {new Shape(1, 2, 1, 2)})[1]).isEqualTo(new Shape(1, 1, 2, 2));
    }

    @Test
    void moreLevelsLeaveLessResidual() {
        ResidualQuantizer q = (ResidualQuantizer) initialized(16, 4);
        // with a zero code in every level the nearest code never leaves more than it was given
        for (var level : q.levels()) {
            ((VectorQuantizer) level).codebook().getArray().set(new NDIndex("0"), 0f);
        }
        NDArray z = latents(3, 4, 4, 4, 4).mul(0.05f); // on the scale of the codebooks' +-1/K range
        List<Float> energy = q.residualEnergy(ps, z);
        assertThat(energy).hasSize(3);
        assertThat(energy.get(0))
                .isLessThanOrEqualTo(z.square().sum(new int[] {1}).mean().getFloat());
        assertThat(energy.get(1)).isLessThanOrEqualTo(energy.get(0));
        assertThat(energy.get(2)).isLessThanOrEqualTo(energy.get(1));
    }

    @Test
    void theEncoderGetsTheIdentityAndEveryLevelsChosenCodesGetGradient() {
        ResidualQuantizer q = handMade();
        for (Parameter p : q.getParameters().values()) {
            p.getArray().setRequiresGradient(true);
        }
        NDArray z = manager.create(new float[] {2.4f, 0.1f, 0.1f, 1.6f}, new Shape(1, 2, 1, 2));
        z.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            QuantizerOutput out = q.quantize(ps, z, true);
            gc.backward(out.quantized().sum().add(out.losses().get("codebook")));
        }
        // straight through the sum: d sum(z_q) / dz = 1 (the codebook term does not reach z)
        assertThat(z.getGradient().toFloatArray()).containsOnly(1f);
        for (int level = 0; level < 2; level++) {
            float[] g = ((VectorQuantizer) q.levels().get(level))
                    .codebook()
                    .getArray()
                    .getGradient()
                    .toFloatArray();
            // codes 1 and 2 chosen at both levels, code 0 never
            assertThat(g[0]).isZero();
            assertThat(g[1]).isZero();
            assertThat(Math.abs(g[2]) + Math.abs(g[3]) + Math.abs(g[4]) + Math.abs(g[5]))
                    .isGreaterThan(0f);
        }
    }

    @Test
    void theFactoryBuildsEmaLevelsWhoseBuffersStayFrozen() {
        assertThat(QuantizerFactory.discover().contains("rvq")).isTrue();
        Config reference = ConfigFactory.defaultReference();
        Config section = ConfigFactory.parseString("codebook-size = 32, depth = 3, level = ema")
                .withFallback(reference.getConfig("quantizer"))
                .withFallback(reference.getConfig("quantizer-types.rvq"))
                .resolve();
        ResidualQuantizer q = (ResidualQuantizer)
                new ResidualQuantizerFactory().create(section, new QuantizerContext(4, 0, Path.of(".")));
        assertThat(q.codesPerPosition()).isEqualTo(3);
        assertThat(q.levels()).allMatch(l -> l instanceof EmaQuantizer);
        q.initialize(manager, DataType.FLOAT32, new Shape(2, 4, 3, 3));
        q.freezeParameters(false);
        assertThat(q.getParameters().values()).noneMatch(Parameter::requiresGradient);
    }
}
