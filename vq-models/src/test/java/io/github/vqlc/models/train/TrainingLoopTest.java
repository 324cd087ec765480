package io.github.vqlc.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.LoaderState;
import io.github.vqlc.core.data.Resumable;
import io.github.vqlc.core.system.ProcessStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingLoopTest {

    @TempDir
    Path dir;

    private static final LearningRateSchedule CONSTANT = new LearningRateSchedule(0.05, 0.05, 0, 100);

    /** A data stream whose values depend only on its position, like a seeded loader. */
    private static final class Positions implements Resumable {
        int cursor;

        float next() {
            cursor++;
            return (float) Math.sin(cursor * 1.7);
        }

        @Override
        public LoaderState state() {
            return new LoaderState(0, cursor);
        }

        @Override
        public void restore(LoaderState state) {
            cursor = state.cursor();
        }
    }

    @Test
    void logsOnLogStepsAndCheckpointsOnCheckpointStepsAndTheLastOne() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            List<Integer> hooks = new ArrayList<>();
            List<Integer> observedWithLosses = new ArrayList<>();
            Checkpoints checkpoints = new Checkpoints(dir.resolve("checkpoints"), 10);
            Path log = dir.resolve("log.jsonl");
            TrainingLoop.builder()
                    .setManager(m)
                    .setSteps(7)
                    .setSchedule(CONSTANT)
                    .setImagesPerStep(4)
                    .setStep((sub, step, lr) -> Map.of("loss", sub.create((float) step)))
                    .optLogEvery(3)
                    .optLog(log)
                    .optCheckpoints(checkpoints, 4, tinyModel(m))
                    .addAfterStep((step, l) -> hooks.add(step))
                    .optObserver(new TrainingObserver() {
                        @Override
                        public void stepped(int step, double imagesPerSecond, Map<String, Double> latest) {
                            if (!latest.isEmpty()) {
                                observedWithLosses.add(step);
                                assertThat(latest.get("loss")).isEqualTo(step);
                            }
                        }
                    })
                    .build()
                    .run(false);
            assertThat(Files.readAllLines(log))
                    .hasSize(3)
                    .satisfies(lines -> assertThat(lines.get(0)).startsWith("{\"step\":3,\"loss\":3.0,\"lr\":0.05"))
                    .satisfies(lines -> assertThat(lines.get(2)).startsWith("{\"step\":7,"))
                    .allSatisfy(line -> assertThat(line.contains("\"resident_mib\":"))
                            .as("resident memory in %s", line)
                            .isEqualTo(ProcessStatus.available()));
            assertThat(checkpoints.list())
                    .extracting(Checkpoints.Checkpoint::step)
                    .containsExactly(4, 7);
            assertThat(hooks).containsExactly(1, 2, 3, 4, 5, 6, 7);
            assertThat(observedWithLosses)
                    .as("the observer sees losses on log steps only")
                    .containsExactly(3, 6, 7);
        }
    }

    @Test
    void aNonFiniteLossStopsTheRunBeforeItIsCheckpointed() {
        try (NDManager m = NDManager.newBaseManager()) {
            Checkpoints checkpoints = new Checkpoints(dir.resolve("checkpoints"), 10);
            TrainingLoop loop = TrainingLoop.builder()
                    .setManager(m)
                    .setSteps(10)
                    .setSchedule(CONSTANT)
                    .setStep((sub, step, lr) ->
                            Map.of("rec", sub.create(step == 5 ? Float.NaN : 1f), "gan", sub.create(0f)))
                    .optCheckpoints(checkpoints, 2, tinyModel(m))
                    .optStopOnNonFinite("loss%s; last good checkpoint: %s")
                    .build();
            assertThatThrownBy(() -> loop.run(false))
                    .isInstanceOf(UserException.class)
                    .hasMessageStartingWith("loss 'rec' became NaN at step 5; last good checkpoint: ")
                    .hasMessageEndingWith("step-000004");
            assertThat(checkpoints.newest().orElseThrow().step()).isEqualTo(4);
        }
    }

    @Test
    void aResumedRunEndsBitIdenticalToAnUninterruptedOne() {
        float[] uninterrupted = train(dir.resolve("a"), 6, false, 6);
        train(dir.resolve("b"), 3, false, 6); // stops after step 3, as if killed after its checkpoint
        float[] resumed = train(dir.resolve("b"), 6, true, 6);
        assertThat(resumed).containsExactly(uninterrupted);
        float[] fresh = train(dir.resolve("c"), 6, false, 3);
        assertThat(fresh).as("a different schedule gives different weights").isNotEqualTo(uninterrupted);
    }

    private static List<Checkpoints.Part> tinyModel(NDManager m) {
        Linear model = Linear.builder().setUnits(1).build();
        model.initialize(m, DataType.FLOAT32, new Shape(1, 1));
        return List.of(new Checkpoints.Part(Checkpoints.MODEL, model, null));
    }

    /** Fits y = 2x with a one-weight linear layer and Adam; returns weight and bias. */
    private static float[] train(Path runDir, int steps, boolean resume, int scheduleSteps) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            Linear model = Linear.builder().setUnits(1).build();
            model.initialize(m, DataType.FLOAT32, new Shape(1, 1));
            Adam.attachGradients(model);
            Adam adam = new Adam(model.getParameters().values(), m, 0.9, 0.99, 1e-8);
            Positions data = new Positions();
            ParameterStore store = new ParameterStore(m, false);
            TrainingLoop.builder()
                    .setManager(m)
                    .setSteps(steps)
                    .setSchedule(new LearningRateSchedule(0.1, 0.01, 2, scheduleSteps))
                    .setStep((sub, step, lr) -> {
                        NDArray x = sub.create(new float[] {data.next(), data.next()}, new Shape(2, 1));
                        NDArray loss;
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray y =
                                    model.forward(store, new NDList(x), true).singletonOrThrow();
                            loss = y.sub(x.mul(2)).square().mean();
                            gc.backward(loss);
                        }
                        adam.step(lr);
                        return Map.of("loss", loss);
                    })
                    .optCheckpoints(
                            new Checkpoints(runDir, 2),
                            2,
                            List.of(new Checkpoints.Part(Checkpoints.MODEL, model, adam)))
                    .optOnResume((checkpoint, state) -> Adam.attachGradients(model))
                    .optData(data)
                    .build()
                    .run(resume);
            return new float[] {
                model.getParameters().get("weight").getArray().getFloat(0, 0),
                model.getParameters().get("bias").getArray().getFloat(0)
            };
        }
    }
}
