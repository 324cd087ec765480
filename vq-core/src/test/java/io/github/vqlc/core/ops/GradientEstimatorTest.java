package io.github.vqlc.core.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class GradientEstimatorTest {

    /** d sum(w * output(z, q)) / dz for one vector z and code q, with weights w. */
    private static float[] gradient(GradientEstimator g, float[] z, float[] q, float[] w, float[] forward) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray zz = m.create(z, new Shape(1, z.length));
            zz.setRequiresGradient(true);
            NDArray qq = m.create(q, new Shape(1, q.length));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = g.output(zz, qq);
                System.arraycopy(out.toFloatArray(), 0, forward, 0, forward.length);
                gc.backward(out.mul(m.create(w, new Shape(1, w.length))).sum());
            }
            return zz.getGradient().toFloatArray();
        }
    }

    @Test
    void bothForwardTheCodesExactly() {
        float[] q = {0.3f, -1.7f, 2.25f};
        for (GradientEstimator g : GradientEstimator.values()) {
            float[] forward = new float[3];
            gradient(g, new float[] {1.1f, 0.2f, -0.4f}, q, new float[] {1, 1, 1}, forward);
            assertThat(forward).as(g.configName()).containsExactly(q);
        }
    }

    @Test
    void straightThroughIsTheIdentityAndTheRotationTrickRotatesAndScalesByHand() {
        // z = (1, 0), q = (0, 2): e^ = (1, 0), q^ = (0, 1), r = (1, 1)/sqrt 2, lambda = 2;
        // R = I - 2 r r^T + 2 q^ e^T = [[0, -1], [1, 0]] (a quarter turn), lambda R = [[0, -2], [2, 0]];
        // dL/dz = (lambda R)^T w = [[0, 2], [-2, 0]] w: for w = (1, 3), (6, -2)
        float[] forward = new float[2];
        float[] z = {1, 0};
        float[] q = {0, 2};
        float[] w = {1, 3};
        assertThat(gradient(GradientEstimator.STRAIGHT_THROUGH, z, q, w, forward))
                .containsExactly(1f, 3f);
        float[] g = gradient(GradientEstimator.ROTATION, z, q, w, forward);
        assertThat(g[0]).isCloseTo(6f, within(1e-5f));
        assertThat(g[1]).isCloseTo(-2f, within(1e-5f));
    }

    @Test
    void aCodeAlongTheVectorOnlyScalesTheGradient() {
        // q = 3 z: R = I, lambda = 3
        float[] forward = new float[2];
        float[] g = gradient(
                GradientEstimator.ROTATION,
                new float[] {0.6f, 0.8f},
                new float[] {1.8f, 2.4f},
                new float[] {1, -1},
                forward);
        assertThat(g[0]).isCloseTo(3f, within(1e-5f));
        assertThat(g[1]).isCloseTo(-3f, within(1e-5f));
    }

    @Test
    void configNames() {
        assertThat(GradientEstimator.fromConfig("rotation")).isEqualTo(GradientEstimator.ROTATION);
        assertThat(GradientEstimator.fromConfig("straight-through")).isEqualTo(GradientEstimator.STRAIGHT_THROUGH);
        assertThat(GradientEstimator.fromConfig("rotate")).isNull();
    }
}
