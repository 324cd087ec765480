package io.github.vqlc.models.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.vqlc.models.train.Adam;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DiffusionTransformerTest {

    private static final DiffusionTransformer.Spec SPEC = new DiffusionTransformer.Spec(8, 8, 2, 32, 2, 4, 10);
    private NDManager manager;
    private ParameterStore ps;

    @BeforeEach
    void setUp() {
        Engine.getInstance().setRandomSeed(3);
        manager = NDManager.newBaseManager();
        ps = new ParameterStore(manager, false);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private DiffusionTransformer model() {
        DiffusionTransformer m = new DiffusionTransformer(SPEC);
        m.initialize(manager, DataType.FLOAT32, new Shape(4, 8, 8, 8), new Shape(4), new Shape(4));
        return m;
    }

    @Test
    void theUntrainedModelPredictsZeroAtTheLatentsShape() {
        DiffusionTransformer m = model();
        NDArray x = manager.randomNormal(new Shape(4, 8, 8, 8));
        NDArray t = manager.create(new float[] {0f, 0.3f, 0.7f, 1f});
        NDArray y = manager.create(new long[] {0, 3, 9, 10}); // 10 = no class
        NDArray out = m.forward(ps, x, t, y, false);
        assertThat(out.getShape()).isEqualTo(new Shape(4, 8, 8, 8));
        assertThat(out.abs().max().getFloat()).isZero(); // adaLN-Zero's zero final layer
        assertThat(SPEC.tokens()).isEqualTo(16);
        assertThat(SPEC.parameterCount()).isEqualTo(m.parameterCount()); // the formula counts every layer
        assertThatThrownBy(() -> m.forward(ps, manager.zeros(new Shape(1, 4, 8, 8)), t, y, false))
                .hasMessageContaining("(B, 8, 8, 8) latents, got (1, 4, 8, 8)");
    }

    @Test
    void theInterpolantAndItsVelocityByHand() {
        NDArray x0 = manager.ones(new Shape(1, 1, 1, 1));
        NDArray e = manager.full(new Shape(1, 1, 1, 1), 3f);
        NDArray xt = VelocityObjective.interpolate(x0, e, manager.create(new float[] {0.25f}));
        // (1 - 0.25) 1 + 0.25 x 3
        assertThat(xt.getFloat()).isCloseTo(1.5f, within(1e-7f));
    }

    @Test
    void positionEmbeddingsAreSinesAndCosinesOfColumnAndRow() {
        float[] p = DiffusionTransformer.positions(manager, 2, 8).toFloatArray();
        // token (row 1, col 0) = index 2: column half sin(0) = 0, cos(0) = 1; row half sin(1), cos(1)
        int base = 2 * 8;
        assertThat(p[base]).isZero();
        assertThat(p[base + 2]).isEqualTo(1f);
        assertThat(p[base + 4]).isCloseTo((float) Math.sin(1), within(1e-6f));
        assertThat(p[base + 6]).isCloseTo((float) Math.cos(1), within(1e-6f));
    }

    @Test
    void adamOnTheVelocityLossFitsAFixedBatch() {
        DiffusionTransformer m = model();
        Adam.attachGradients(m);
        Adam adam = new Adam(m.getParameters().values(), manager, 0.9, 0.999, 1e-8);
        NDArray x0 = manager.randomNormal(new Shape(4, 8, 8, 8)).mul(0.5f);
        NDArray noise = manager.randomNormal(new Shape(4, 8, 8, 8));
        NDArray t = manager.create(new float[] {0.1f, 0.4f, 0.6f, 0.9f});
        NDArray y = manager.create(new long[] {1, 2, 3, 10});
        float first = 0;
        float last = 0;
        for (int step = 0; step < 40; step++) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = VelocityObjective.loss(m, ps, x0, noise, t, y);
                last = loss.getFloat();
                if (step == 0) {
                    first = last;
                }
                gc.backward(loss);
            }
            adam.step(1e-3);
        }
        // at step 0 the prediction is 0: the loss is mean((e - x0)^2), about 1.25
        assertThat(first).isCloseTo(noise.sub(x0).square().mean().getFloat(), within(1e-5f));
        assertThat(last).isLessThan(0.7f * first);
    }

    @Test
    void theBlocksNormalizeEachTokenOverItsWidthOnly() {
        // two tokens of very different scale: each comes out with mean 0 and variance 1 on its own
        NDArray x = manager.create(new float[] {1, 2, 3, 4, 100, 300, 500, 700}, new Shape(1, 2, 4));
        NDArray y = DitBlock.plainNorm().forward(ps, new NDList(x), false).singletonOrThrow();
        float[] v = y.toFloatArray();
        float k = (float) (1 / Math.sqrt(1.25 + 1e-6));
        float[] expected = {-1.5f * k, -0.5f * k, 0.5f * k, 1.5f * k};
        for (int i = 0; i < 4; i++) {
            assertThat(v[i]).isCloseTo(expected[i], within(1e-4f));
            assertThat(v[4 + i]).isCloseTo(expected[i], within(1e-4f));
        }
        assertThat(DitBlock.plainNorm().getParameters().size()).isZero();
    }
}
