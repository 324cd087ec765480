package io.github.vqlc.models.gpt;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.LoaderState;
import io.github.vqlc.core.io.JsonLines;
import io.github.vqlc.core.io.TokenFile;
import io.github.vqlc.models.train.Adam;
import io.github.vqlc.models.train.Checkpoints;
import io.github.vqlc.models.train.LearningRateSchedule;
import io.github.vqlc.models.train.TrainingObserver;
import io.github.vqlc.models.train.TrainingSummary;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Trains a {@link TokenGpt} on a tokens file: next-token cross-entropy ({@link TokenCrossEntropy}),
 * AdamW (decay on weight matrices only) with warm-up + cosine, a sub-manager and scope per step.
 * The loss reaches the host on log and checkpoint steps only, where a non-finite value stops the
 * run before it could be saved. Checkpoints (parameters, AdamW moments, data position) give an
 * exact resume, as in {@link io.github.vqlc.models.train.VqTrainer}; the engine's generator is
 * reseeded from (seed, step) before every step so dropout masks replay too.
 */
public final class GptTrainer {

    private final TokenGpt model;
    private final NDManager manager;
    private final GptConfig config;
    private final TokenFile tokens;
    private final Path runDir;
    private final long seed;
    private TrainingObserver observer = TrainingObserver.NONE;
    private IntConsumer sampler = step -> {};

    /** @param manager the model's manager; parameters must be initialized */
    public GptTrainer(TokenGpt model, NDManager manager, GptConfig config, TokenFile tokens, Path runDir, long seed) {
        this.model = model;
        this.manager = manager;
        this.config = config;
        this.tokens = tokens;
        this.runDir = runDir;
        this.seed = seed;
    }

    public GptTrainer observer(TrainingObserver observer) {
        this.observer = observer;
        return this;
    }

    /** Called with the step number every {@code gpt.sample-every} steps and at the end (e.g. to draw sample grids). */
    public GptTrainer sampler(IntConsumer sampler) {
        this.sampler = sampler;
        return this;
    }

    public Checkpoints checkpoints() {
        return new Checkpoints(runDir.resolve("checkpoints"), config.keepCheckpoints());
    }

    /** Trains to {@code gpt.steps}, continuing the newest checkpoint when {@code resume}. */
    public TrainingSummary run(boolean resume) {
        Adam.attachGradients(model);
        Adam adam = new Adam(
                model.getParameters().values(),
                manager,
                config.beta1(),
                config.beta2(),
                1e-8,
                config.weightDecay(),
                model::decayed);
        TokenBatches batches = new TokenBatches(tokens, config.batchSize(), seed);
        Checkpoints checkpoints = checkpoints();
        int startStep = 0;
        double previousSeconds = 0;
        if (resume) {
            var newest = checkpoints.newest();
            if (newest.isPresent()) {
                JsonObject state = checkpoints.load(newest.get(), model, adam, manager);
                Adam.attachGradients(model);
                startStep = newest.get().step();
                previousSeconds = state.get("train_seconds").getAsDouble();
                batches.restore(new LoaderState(
                        state.get("data_epoch").getAsLong(),
                        state.get("data_cursor").getAsInt()));
                observer.note("resumed from " + newest.get().dir() + " at step " + startStep);
            }
        }
        LearningRateSchedule schedule =
                new LearningRateSchedule(config.lr(), config.minLr(), config.warmupSteps(), config.steps());
        ParameterStore ps = new ParameterStore(manager, false);
        Map<String, Double> last = new LinkedHashMap<>();
        observer.started(startStep + 1, config.steps());
        long sessionStart = System.nanoTime();
        long imagesSeen = 0;
        try (JsonLines log = new JsonLines(runDir.resolve("log.jsonl"))) {
            for (int step = startStep + 1; step <= config.steps(); step++) {
                boolean logStep = step % config.logEvery() == 0 || step == config.steps();
                boolean checkpointStep = step % config.checkpointEvery() == 0 || step == config.steps();
                double lr = schedule.at(step);
                Double loss = null;
                try (NDScope scope = new NDScope();
                        NDManager sub = manager.newSubManager()) {
                    scope.suppressNotUsedWarning();
                    // dropout masks depend on (seed, step) only, so a resumed run draws the same ones
                    Engine.getInstance().setRandomSeed((int) (seed * 1_000_003L + step));
                    NDArray l = trainStep(ps, batches.next(sub));
                    adam.step(lr);
                    imagesSeen += config.batchSize();
                    if (logStep || checkpointStep) {
                        loss = (double) l.getFloat();
                        checkFinite(step, loss);
                    }
                }
                double seconds = (System.nanoTime() - sessionStart) / 1e9;
                double ips = imagesSeen / Math.max(seconds, 1e-9);
                if (loss != null) {
                    last = Map.of("loss", loss);
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("step", step);
                    line.put("loss", loss);
                    line.put("lr", lr);
                    line.put("images_per_second", ips);
                    line.put("tokens_per_second", ips * model.spec().sequenceLength());
                    line.put("elapsed_seconds", previousSeconds + seconds);
                    log.append(line);
                }
                observer.stepped(step, ips, loss == null ? Map.of() : Map.of("loss", loss));
                if ((config.sampleEvery() > 0 && step % config.sampleEvery() == 0) || step == config.steps()) {
                    sampler.accept(step);
                }
                if (checkpointStep) {
                    JsonObject state = new JsonObject();
                    state.addProperty("train_seconds", previousSeconds + seconds);
                    state.addProperty("data_epoch", batches.state().epoch());
                    state.addProperty("data_cursor", batches.state().cursor());
                    checkpoints.save(step, model, adam, state);
                }
            }
        }
        double seconds = (System.nanoTime() - sessionStart) / 1e9;
        observer.finished();
        return new TrainingSummary(
                config.steps(), previousSeconds + seconds, imagesSeen / Math.max(seconds, 1e-9), last);
    }

    /** Forward, loss and backward for one batch; returns the loss (still on the device). */
    NDArray trainStep(ParameterStore ps, TokenBatches.Batch batch) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray logits = model.teacherForcedLogits(ps, batch.classes(), batch.tokens(), true);
            NDArray loss = TokenCrossEntropy.loss(logits, batch.tokens(), config.labelSmoothing());
            gc.backward(loss);
            return loss;
        }
    }

    private void checkFinite(int step, double loss) {
        if (!Double.isFinite(loss)) {
            var newest = checkpoints().newest();
            throw new UserException("GPT loss became " + loss + " at step " + step + "; stopped without saving; "
                    + "last good checkpoint: "
                    + newest.map(c -> c.dir().toString()).orElse("none") + " (try a lower gpt.lr)");
        }
    }
}
