package io.github.vqlc.models.gan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Synchronized BatchNorm over shards equals DJL's BatchNorm over the whole batch: outputs, input gradients, running statistics. */
class SyncBatchNormTest {

    @Test
    void twoShardsNormalizeAsTheWholeBatch() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            Shape shape = new Shape(6, 4, 3, 3);
            NDArray x = m.randomNormal(0, 2, shape, DataType.FLOAT32).add(1f);
            NDArray w = m.randomNormal(shape); // the loss sum(y * w) gives every output its own gradient
            BatchNorm whole = BatchNorm.builder().build();
            List<BatchNorm> shards =
                    List.of(BatchNorm.builder().build(), BatchNorm.builder().build());
            for (BatchNorm bn : List.of(whole, shards.get(0), shards.get(1))) {
                bn.initialize(m, DataType.FLOAT32, shape);
                bn.getParameters().get("gamma").getArray().set(new NDIndex("..."), m.create(new float[] {
                    1f, 2f, 0.5f, -1f
                }));
                bn.getParameters().get("beta").getArray().set(new NDIndex("..."), m.create(new float[] {0f, 1f, -1f, 3f
                }));
            }
            ParameterStore ps = new ParameterStore(m, false);

            NDArray xa = x.duplicate();
            xa.setRequiresGradient(true);
            NDArray ya;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                ya = whole.forward(ps, new NDList(xa), true).singletonOrThrow();
                gc.backward(ya.mul(w).sum());
            }
            NDArray xb = x.duplicate();
            xb.setRequiresGradient(true);
            NDArray yb;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList halves = xb.split(2);
                List<NDArray> ys =
                        SyncBatchNorm.forward(shards, List.of(ps, ps), List.of(halves.get(0), halves.get(1)), true);
                yb = ys.get(0).concat(ys.get(1));
                gc.backward(yb.mul(w).sum());
            }
            assertClose(yb, ya);
            assertClose(xb.getGradient(), xa.getGradient());
            for (BatchNorm bn : shards) {
                assertClose(
                        bn.getParameters().get("runningMean").getArray(),
                        whole.getParameters().get("runningMean").getArray());
                assertClose(
                        bn.getParameters().get("runningVar").getArray(),
                        whole.getParameters().get("runningVar").getArray());
            }
        }
    }

    private static void assertClose(NDArray actual, NDArray expected) {
        float[] a = actual.toFloatArray();
        float[] e = expected.toFloatArray();
        assertThat(a).hasSameSizeAs(e);
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("element " + i).isCloseTo(e[i], within(1e-4f + 1e-4f * Math.abs(e[i])));
        }
    }
}
