package io.github.vqlc.core.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.vqlc.core.engine.TorchOps;
import org.junit.jupiter.api.Test;

class RowsTest {

    @Test
    void picksTheSameRowsAsIndexingInTheShapeOfTheIndices() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray table = m.arange(0f, 12f).reshape(4, 3);
            NDArray idx = m.create(new int[] {3, 0, 3, 1, 2, 2}, new Shape(2, 3));
            try (NDManager step = m.newSubManager()) {
                NDArray rows = Rows.gather(step, table, idx);
                assertThat(rows.getShape()).isEqualTo(new Shape(2, 3, 3));
                assertThat(rows.getManager()).isSameAs(step);
                NDArray expected = table.get(
                        new NDIndex("{}", idx.toType(DataType.INT64, false).flatten()));
                assertThat(rows.reshape(6, 3).toFloatArray()).containsExactly(expected.toFloatArray());
            }
        }
    }

    @Test
    void theGradientSumsEveryPickOfARowAndIsTheSameOnEveryRunWithTwoThreads() {
        int before = TorchOps.intraOpThreads();
        TorchOps.setIntraOpThreads(2);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            int n = 8192;
            int k = 64;
            int d = 32;
            NDArray table = m.randomNormal(new Shape(k, d));
            NDArray idx = m.randomInteger(0, k, new Shape(n), DataType.INT64);
            NDArray upstream = m.randomNormal(new Shape(n, d));
            float[] first = null;
            for (int run = 0; run < 6; run++) {
                try (NDManager s = m.newSubManager()) {
                    NDArray t = table.duplicate();
                    t.attach(s);
                    t.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(Rows.gather(s, t, idx).mul(upstream).sum());
                    }
                    float[] grad = t.getGradient().toFloatArray();
                    if (first == null) {
                        first = grad;
                        // row r's gradient is the sum of the upstream rows that picked r
                        long[] picks = idx.toLongArray();
                        float[] up = upstream.toFloatArray();
                        double[] expected = new double[k * d];
                        for (int i = 0; i < n; i++) {
                            for (int j = 0; j < d; j++) {
                                expected[(int) picks[i] * d + j] += up[i * d + j];
                            }
                        }
                        for (int i = 0; i < k * d; i++) {
                            assertThat((double) grad[i]).isCloseTo(expected[i], within(1e-3));
                        }
                    } else {
                        assertThat(grad).as("run %d", run).containsExactly(first);
                    }
                }
            }
        } finally {
            TorchOps.setIntraOpThreads(before);
        }
    }
}
