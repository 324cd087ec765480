package io.github.vqlc.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightEmaTest {

    @TempDir
    Path dir;

    @Test
    void averagesByHandAndSwapsTheTrainingWeightsBackExactly() {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear block = Linear.builder().setUnits(1).optBias(false).build();
            block.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            var w = block.getParameters().get("weight").getArray();
            w.set(new float[] {1f, 2f});
            WeightEma ema = new WeightEma(block, m, 0.9);
            w.set(new float[] {3f, 0f});
            ema.update(); // 0.9 * [1, 2] + 0.1 * [3, 0] = [1.2, 1.8]
            w.set(new float[] {5f, 4f});
            ema.update(); // 0.9 * [1.2, 1.8] + 0.1 * [5, 4] = [1.58, 2.02]
            float[] avg = ema.state().get(0).toFloatArray();
            assertThat(avg[0]).isCloseTo(1.58f, offset(1e-6f));
            assertThat(avg[1]).isCloseTo(2.02f, offset(1e-6f));
            try (WeightEma.Swap swap = ema.swapIn()) {
                assertThat(w.toFloatArray()).containsExactly(avg);
            }
            assertThat(w.toFloatArray()).containsExactly(5f, 4f);
        }
    }

    @Test
    void checkpointsCarrySeveralNetworksTheirOptimizersAndNamedArrays() {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear g = Linear.builder().setUnits(2).build();
            g.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            Linear d = Linear.builder().setUnits(1).build();
            d.initialize(m, DataType.FLOAT32, new Shape(1, 3));
            for (var p : List.of(g, d)) {
                p.getParameters().values().forEach(q -> q.getArray().setRequiresGradient(true));
            }
            Adam ga = new Adam(List.copyOf(g.getParameters().values()), m, 0.5, 0.9, 1e-8);
            Adam da = new Adam(List.copyOf(d.getParameters().values()), m, 0.5, 0.9, 1e-8);
            ga.step(0.1); // no gradients yet: only the step counters move
            da.step(0.1);
            da.step(0.1);
            Checkpoints c = new Checkpoints(dir, 1);
            float[] dWeights = d.getParameters().get("weight").getArray().toFloatArray();
            NDList extra = new NDList(m.create(new float[] {7f, 8f}));
            var saved = c.save(
                    5,
                    List.of(
                            new Checkpoints.Part(Checkpoints.MODEL, g, ga),
                            new Checkpoints.Part("discriminator", d, da)),
                    Map.of("ema", extra),
                    new JsonObject());
            assertThat(saved.dir().resolve("model.params")).isRegularFile();
            assertThat(saved.dir().resolve("discriminator.params")).isRegularFile();
            assertThat(saved.dir().resolve("discriminator-optimizer.ndlist")).isRegularFile();

            d.getParameters().get("weight").getArray().set(new float[3]);
            Adam da2 = new Adam(List.copyOf(d.getParameters().values()), m, 0.5, 0.9, 1e-8);
            Adam ga2 = new Adam(List.copyOf(g.getParameters().values()), m, 0.5, 0.9, 1e-8);
            JsonObject state = c.load(
                    saved,
                    List.of(
                            new Checkpoints.Part(Checkpoints.MODEL, g, ga2),
                            new Checkpoints.Part("discriminator", d, da2)),
                    m);
            assertThat(state.get("step").getAsInt()).isEqualTo(5);
            assertThat(d.getParameters().get("weight").getArray().toFloatArray())
                    .containsExactly(dWeights);
            assertThat(ga2.stepCount()).isEqualTo(1);
            assertThat(da2.stepCount()).isEqualTo(2);
            assertThat(Checkpoints.readArrays(saved, "ema", m)
                            .orElseThrow()
                            .get(0)
                            .toFloatArray())
                    .containsExactly(7f, 8f);
            assertThat(Checkpoints.readArrays(saved, "missing", m)).isEmpty();
        }
    }
}
