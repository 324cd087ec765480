package io.github.vqlc.models.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.ops.Scalars;
import org.junit.jupiter.api.Test;

class GroupNormTest {

    @Test
    void normalizesEachGroupOverChannelsAndPixelsByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            GroupNorm gn = new GroupNorm(2, 4, 1e-6f);
            gn.initialize(m, DataType.FLOAT32, new Shape(1, 4, 1, 2));
            // group 0 = channels 0,1 = {1,2,3,4}: mean 2.5, biased var 1.25
            // group 1 = channels 2,3 = {10,10,10,14}: mean 11, var 3
            NDArray x = m.create(new float[] {1, 2, 3, 4, 10, 10, 10, 14}, new Shape(1, 4, 1, 2));
            float[] y = gn.forward(new ParameterStore(m, false), new NDList(x), false)
                    .singletonOrThrow()
                    .toFloatArray();
            double s0 = Math.sqrt(1.25 + 1e-6);
            double s1 = Math.sqrt(3 + 1e-6);
            double[] expected = {-1.5 / s0, -0.5 / s0, 0.5 / s0, 1.5 / s0, -1 / s1, -1 / s1, -1 / s1, 3 / s1};
            for (int i = 0; i < 8; i++) {
                assertThat((double) y[i]).as("y[%d]", i).isCloseTo(expected[i], within(1e-5));
            }
        }
    }

    @Test
    void appliesPerChannelAffineAndPassesGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            GroupNorm gn = new GroupNorm(1, 2, 1e-6f);
            gn.initialize(m, DataType.FLOAT32, new Shape(1, 2, 1, 2));
            Parameter gamma = gn.getParameters().get("gamma");
            Parameter beta = gn.getParameters().get("beta");
            gamma.getArray().set(new float[] {2, 3});
            beta.getArray().set(new float[] {1, -1});
            gamma.getArray().setRequiresGradient(true);
            NDArray x = m.create(new float[] {0, 2, 4, 6}, new Shape(1, 2, 1, 2)); // mean 3, var 5
            x.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                y = gn.forward(new ParameterStore(m, false), new NDList(x), true)
                        .singletonOrThrow();
                gc.backward(y.sum());
            }
            double s = Math.sqrt(5 + 1e-6);
            assertThat((double) y.toFloatArray()[0]).isCloseTo(2 * (-3 / s) + 1, within(1e-5));
            assertThat((double) y.toFloatArray()[3]).isCloseTo(3 * (3 / s) - 1, within(1e-5));
            // d sum(y) / d gamma_c = sum of normalized values of channel c
            float[] gg = gamma.getArray().getGradient().toFloatArray();
            assertThat((double) gg[0]).isCloseTo((-3 - 1) / s, within(1e-5));
            assertThat((double) gg[1]).isCloseTo((1 + 3) / s, within(1e-5));
            assertThat(x.getGradient().isNaN().any().getBoolean()).isFalse();
        }
    }

    @Test
    void theLayerMatchesNormalizeThenAffineInValuesAndInEveryGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            Shape shape = new Shape(3, 8, 4, 5); // 4 groups of 2 channels
            float[] data = m.randomNormal(new Shape(3, 8, 4, 5)).mul(2).add(0.5).toFloatArray();
            float[] upstream = m.randomNormal(shape).toFloatArray();
            float[] gammaValues = m.randomNormal(new Shape(1, 8, 1, 1)).toFloatArray();
            float[] betaValues = m.randomNormal(new Shape(1, 8, 1, 1)).toFloatArray();
            float[][] results = new float[2][];
            float[][][] grads = new float[2][][];
            for (int way = 0; way < 2; way++) {
                try (NDManager sub = m.newSubManager();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray x = sub.create(data, shape);
                    GroupNorm gn = new GroupNorm(4, 8, 1e-6f);
                    gn.initialize(sub, DataType.FLOAT32, shape);
                    NDArray w = gn.getParameters().get("gamma").getArray();
                    NDArray b = gn.getParameters().get("beta").getArray();
                    w.set(gammaValues);
                    b.set(betaValues);
                    for (NDArray a : new NDArray[] {x, w, b}) {
                        a.setRequiresGradient(true);
                    }
                    NDArray y = way == 0
                            ? gn.forward(new ParameterStore(sub, false), new NDList(x), true)
                                    .singletonOrThrow()
                            // the reference: normalize each group, then the per-channel affine
                            : composed(x.reshape(3, 4, -1), 1e-6f)
                                    .reshape(shape)
                                    .mul(w)
                                    .add(b);
                    gc.backward(y.mul(sub.create(upstream, shape)).sum());
                    results[way] = y.toFloatArray();
                    grads[way] = new float[][] {
                        x.getGradient().toFloatArray(),
                        w.getGradient().toFloatArray(),
                        b.getGradient().toFloatArray()
                    };
                }
            }
            for (int i = 0; i < results[0].length; i++) {
                assertThat((double) results[0][i]).isCloseTo(results[1][i], within(1e-5));
            }
            for (int g = 0; g < 3; g++) {
                for (int i = 0; i < grads[0][g].length; i++) {
                    assertThat((double) grads[0][g][i])
                            .as("gradient %d[%d]", g, i)
                            .isCloseTo(grads[1][g][i], within(1e-4));
                }
            }
        }
    }

    @Test
    void theFusedKernelEqualsTheComposedNormalizationInValuesAndGradientsAndIsRepeatable() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(2);
            float[] data = m.randomNormal(new Shape(8, 4, 256)).mul(3).add(1).toFloatArray();
            float[] upstream = m.randomNormal(new Shape(8, 4, 256)).toFloatArray();
            float[][] out = new float[2][];
            float[][] grad = new float[2][];
            for (int way = 0; way < 2; way++) {
                for (int pass = 0; pass < 10; pass++) {
                    try (NDManager sub = m.newSubManager();
                            GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray x = sub.create(data, new Shape(8, 4, 256));
                        x.setRequiresGradient(true);
                        NDArray y = way == 0 ? GroupNorm.normalize(x, 1e-6f) : composed(x, 1e-6f);
                        gc.backward(y.mul(sub.create(upstream, new Shape(8, 4, 256)))
                                .sum());
                        float[] g = x.getGradient().toFloatArray();
                        if (pass == 0) {
                            out[way] = y.toFloatArray();
                            grad[way] = g;
                        } else {
                            assertThat(g).as("pass %d repeats pass 0", pass).containsExactly(grad[way]);
                        }
                    }
                }
            }
            for (int i = 0; i < out[0].length; i++) {
                assertThat((double) out[1][i]).as("output %d", i).isCloseTo(out[0][i], within(1e-4));
                assertThat((double) grad[1][i]).as("gradient %d", i).isCloseTo(grad[0][i], within(1e-4));
            }
        }
    }

    /**
     * The reference: group statistics from elementary ops, (x - mean) / sqrt(biased var + eps) over
     * the last axis of (N, G, M).
     */
    private static NDArray composed(NDArray g, float eps) {
        NDArray centered = g.sub(g.mean(new int[] {2}, true));
        NDArray std =
                Scalars.add(centered.square().mean(new int[] {2}, true), eps).sqrt();
        // ones from the engine (owned memory), not a wrapped Java number (docs/djl-pitfalls.md)
        return centered.mul(std.getManager()
                .ones(std.getShape(), std.getDataType(), std.getDevice())
                .div(std));
    }
}
