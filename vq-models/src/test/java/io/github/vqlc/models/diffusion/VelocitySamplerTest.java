package io.github.vqlc.models.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VelocitySamplerTest {

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /**
     * Data concentrated at mu (per class: mu = class index): x_t = (1 - t) mu + t e, so the exact
     * velocity is (x - mu) / t and every path is a straight line to mu.
     */
    private VelocitySampler.Velocity pointMass() {
        return (x, t, y) -> {
            NDArray mu = y.toType(DataType.FLOAT32, false).reshape(-1, 1);
            return x.sub(mu).div(t.reshape(-1, 1));
        };
    }

    @Test
    void eulerAndHeunCarryNoiseToTheDataPoint() {
        for (VelocitySampler.Method method : VelocitySampler.Method.values()) {
            for (int steps : new int[] {1, 7, 50}) {
                NDArray noise = manager.randomNormal(new Shape(3, 5));
                NDArray y = manager.create(new long[] {0, 2, 5});
                NDArray x = new VelocitySampler(pointMass(), method, steps, 1f, 10).sample(noise, y);
                float[] v = x.toFloatArray();
                for (int i = 0; i < 5; i++) {
                    assertThat(v[i]).as("%s %d steps", method, steps).isCloseTo(0f, within(1e-4f));
                    assertThat(v[5 + i]).isCloseTo(2f, within(1e-4f));
                    assertThat(v[10 + i]).isCloseTo(5f, within(1e-4f));
                }
            }
        }
    }

    @Test
    void heunIsSecondOrderOnACurvedField() {
        // dx/dt = x (exact: x(0) = x(1) e^-1): Euler's error falls like h, Heun's like h^2
        VelocitySampler.Velocity grow = (x, t, y) -> x;
        NDArray one = manager.ones(new Shape(1, 1));
        NDArray y = manager.create(new long[] {0});
        double exact = Math.exp(-1);
        double euler = Math.abs(new VelocitySampler(grow, VelocitySampler.Method.EULER, 20, 1f, 1)
                        .sample(one, y)
                        .getFloat()
                - exact);
        double heun = Math.abs(new VelocitySampler(grow, VelocitySampler.Method.HEUN, 20, 1f, 1)
                        .sample(one, y)
                        .getFloat()
                - exact);
        assertThat(heun).isLessThan(euler / 5);
    }

    @Test
    void guidanceExtrapolatesFromTheUnconditionalVelocity() {
        // v = 1 for the "no class" row (index 9), v = 3 for class 0: guided = 1 + s (3 - 1)
        VelocitySampler.Velocity v = (x, t, y) ->
                y.eq(9).toType(DataType.FLOAT32, false).mul(-2f).add(3f).reshape(-1, 1);
        NDArray x = manager.zeros(new Shape(2, 1));
        NDArray y = manager.create(new long[] {0, 0});
        NDArray guided = new VelocitySampler(v, VelocitySampler.Method.EULER, 1, 4f, 9).guided(x, 0.5, y);
        assertThat(guided.toFloatArray()).containsExactly(9f, 9f);
        assertThat(new VelocitySampler(v, VelocitySampler.Method.EULER, 1, 1f, 9)
                        .guided(x, 0.5, y)
                        .toFloatArray())
                .containsExactly(3f, 3f);
    }

    @Test
    void guidanceOnLeadingChannelsLeavesTheOthersConditional() {
        // (B, 4, 1, 1): conditional v = 3, unconditional v = 1 on every channel; guide channels 0..2
        VelocitySampler.Velocity v = (x, t, y) -> y.eq(9)
                .toType(DataType.FLOAT32, false)
                .mul(-2f)
                .add(3f)
                .reshape(-1, 1, 1, 1)
                .broadcast(x.getShape());
        NDArray x = manager.zeros(new Shape(2, 4, 1, 1));
        NDArray y = manager.create(new long[] {0, 0});
        NDArray guided = new VelocitySampler(v, VelocitySampler.Method.EULER, 1, 4f, 9, 3).guided(x, 0.5, y);
        assertThat(guided.getShape()).isEqualTo(new Shape(2, 4, 1, 1));
        assertThat(guided.toFloatArray()).containsExactly(9f, 9f, 9f, 3f, 9f, 9f, 9f, 3f);
        // 0 or at least C guided channels: all guided
        assertThat(new VelocitySampler(v, VelocitySampler.Method.EULER, 1, 4f, 9, 4)
                        .guided(x, 0.5, y)
                        .toFloatArray())
                .containsOnly(9f);
    }

    @Test
    void memoryStaysAtOneStepsWorthHoweverManySteps() {
        // arrays left on the manager after sampling do not grow with the number of steps
        VelocitySampler.Velocity v =
                (x, t, y) -> x.mul(t.reshape(-1, 1)).add(1f).tanh();
        NDArray y = manager.create(new long[] {0, 1});
        long[] left = new long[2];
        int[] steps = {3, 40};
        for (int k = 0; k < 2; k++) {
            try (NDManager sub = manager.newSubManager()) {
                NDArray noise = sub.randomNormal(new Shape(2, 5));
                for (VelocitySampler.Method m : VelocitySampler.Method.values()) {
                    new VelocitySampler(v, m, steps[k], 3f, 9).sample(noise, y.toDevice(sub.getDevice(), true));
                }
                left[k] = sub.getManagedArrays().size();
            }
        }
        assertThat(left[1]).isEqualTo(left[0]);
    }
}
