package io.github.vqlc.models.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class LayerNormTest {

    @Test
    void normalizesTheLastAxisAndItsInputGradientMatchesTheAnalyticFormula() {
        try (NDManager m = NDManager.newBaseManager()) {
            LayerNorm ln = new LayerNorm(4, 0f);
            ln.initialize(m, DataType.FLOAT32, new Shape(2, 4));
            float[] xs = {1f, 2f, 4f, 9f, -1f, 0f, 0f, 3f};
            NDArray x = m.create(xs, new Shape(2, 4));
            x.setRequiresGradient(true);
            float[] coef = {1f, -2f, 0.5f, 3f, 2f, 1f, -1f, 0f};
            NDArray y;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                y = ln.forward(new ParameterStore(m, false), new NDList(x), true)
                        .singletonOrThrow();
                gc.backward(y.mul(m.create(coef, new Shape(2, 4))).sum());
            }
            float[] out = y.toFloatArray();
            float[] grad = x.getGradient().toFloatArray();
            for (int r = 0; r < 2; r++) {
                double mean = 0;
                for (int j = 0; j < 4; j++) {
                    mean += xs[4 * r + j] / 4.0;
                }
                double var = 0;
                for (int j = 0; j < 4; j++) {
                    var += Math.pow(xs[4 * r + j] - mean, 2) / 4.0;
                }
                double sd = Math.sqrt(var);
                double gMean = 0;
                double gDotXhat = 0;
                double[] xhat = new double[4];
                for (int j = 0; j < 4; j++) {
                    xhat[j] = (xs[4 * r + j] - mean) / sd;
                    gMean += coef[4 * r + j] / 4.0;
                    gDotXhat += coef[4 * r + j] * xhat[j] / 4.0;
                }
                for (int j = 0; j < 4; j++) {
                    assertThat((double) out[4 * r + j]).isCloseTo(xhat[j], within(1e-5));
                    // d/dx of sum(g * xhat) = (g - mean(g) - xhat * mean(g * xhat)) / sd
                    double want = (coef[4 * r + j] - gMean - xhat[j] * gDotXhat) / sd;
                    assertThat((double) grad[4 * r + j])
                            .as("row %d col %d", r, j)
                            .isCloseTo(want, within(1e-5));
                }
            }
        }
    }
}
