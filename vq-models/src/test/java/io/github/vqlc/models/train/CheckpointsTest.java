package io.github.vqlc.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import com.google.gson.JsonObject;
import io.github.vqlc.core.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {

    @TempDir
    Path dir;

    @Test
    void keepsTheNewestCompleteCheckpointsAndIgnoresPartialOnes() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear block = Linear.builder().setUnits(3).build();
            block.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            Checkpoints c = new Checkpoints(dir, 2);
            for (int step : new int[] {10, 20, 30}) {
                JsonObject state = new JsonObject();
                state.addProperty("marker", step);
                c.save(step, block, null, state);
            }
            // a crash while writing leaves a temp dir or a dir without state.json: both ignored
            Files.createDirectories(dir.resolve(".tmp-step-123"));
            Files.createDirectories(dir.resolve("step-000040"));
            assertThat(c.list()).extracting(Checkpoints.Checkpoint::step).containsExactly(20, 30);
            assertThat(c.newest().orElseThrow().step()).isEqualTo(30);

            float[] before = block.getParameters().get("weight").getArray().toFloatArray();
            block.getParameters().get("weight").getArray().set(new float[6]);
            JsonObject state = c.load(c.newest().get(), block, null, m);
            assertThat(state.get("marker").getAsInt()).isEqualTo(30);
            assertThat(block.getParameters().get("weight").getArray().toFloatArray())
                    .containsExactly(before);
        }
    }

    @Test
    void loadingIntoAModelOfAnotherShapeIsAClearUserError() {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear small = Linear.builder().setUnits(3).build();
            small.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            Checkpoints c = new Checkpoints(dir, 1);
            c.save(1, small, null, new JsonObject());
            Linear big = Linear.builder().setUnits(5).build();
            big.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            assertThatThrownBy(() -> c.load(c.newest().get(), big, null, m))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("model.params");
        }
    }
}
