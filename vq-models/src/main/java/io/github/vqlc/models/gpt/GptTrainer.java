package io.github.vqlc.models.gpt;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.io.TokenFile;
import io.github.vqlc.models.train.Adam;
import io.github.vqlc.models.train.Checkpoints;
import io.github.vqlc.models.train.LearningRateSchedule;
import io.github.vqlc.models.train.TrainingLoop;
import io.github.vqlc.models.train.TrainingObserver;
import io.github.vqlc.models.train.TrainingSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Trains a {@link TokenGpt} on a tokens file: next-token cross-entropy ({@link TokenCrossEntropy}),
 * AdamW (decay on weight matrices only) with warm-up + cosine, in the shared {@link TrainingLoop}
 * (a scope per step, the loss on the host only on log and checkpoint steps, a non-finite loss stops
 * the run before it could be saved). Checkpoints (parameters, AdamW moments, data position) give an
 * exact resume; the engine's generator is reseeded from (seed, step) before every step so dropout
 * masks replay too.
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

    /** The optimizer {@link #run} uses: AdamW over the model's parameters, decay on its matrices. */
    public Adam newOptimizer() {
        Adam.attachGradients(model);
        return new Adam(
                model.getParameters().values(),
                manager,
                config.beta1(),
                config.beta2(),
                1e-8,
                config.weightDecay(),
                model::decayed);
    }

    /** Trains to {@code gpt.steps}, continuing the newest checkpoint when {@code resume}. */
    public TrainingSummary run(boolean resume) {
        Adam adam = newOptimizer();
        TokenBatches batches = new TokenBatches(tokens, config.batchSize(), seed);
        int sequence = model.spec().sequenceLength();
        ParameterStore ps = new ParameterStore(manager, false);
        return TrainingLoop.builder()
                .setManager(manager)
                .setSteps(config.steps())
                .setSchedule(
                        new LearningRateSchedule(config.lr(), config.minLr(), config.warmupSteps(), config.steps()))
                .setImagesPerStep(config.batchSize())
                .setStep((sub, step, lr) -> {
                    // dropout masks depend on (seed, step) only, so a resumed run draws the same ones
                    Engine.getInstance().setRandomSeed((int) (seed * 1_000_003L + step));
                    NDArray loss = trainStep(ps, batches.next(sub));
                    adam.step(lr);
                    return Map.of("loss", loss);
                })
                .optLogEvery(config.logEvery())
                .optLog(runDir.resolve("log.jsonl"))
                .optLogExtras(ips -> Map.of("tokens_per_second", ips * sequence))
                .optCheckpoints(
                        checkpoints(),
                        config.checkpointEvery(),
                        List.of(new Checkpoints.Part(Checkpoints.MODEL, model, adam)))
                .optOnResume((checkpoint, state) -> Adam.attachGradients(model))
                .optData(batches)
                .addAfterStep((step, log) -> {
                    if ((config.sampleEvery() > 0 && step % config.sampleEvery() == 0) || step == config.steps()) {
                        sampler.accept(step);
                    }
                })
                .optStopOnNonFinite("GPT loss%s; stopped without saving; last good checkpoint: %s (try a lower gpt.lr)")
                .optObserver(observer)
                .build()
                .run(resume);
    }

    /**
     * Forward, loss and backward for one batch; returns the loss (still on the device). The
     * optimizer step follows ({@link #newOptimizer}); {@code vqlc bench gpt} times the two.
     */
    public NDArray trainStep(ParameterStore ps, TokenBatches.Batch batch) {
        NDArray inputs =
                corrupted(batch.tokens(), config.tokenCorruption(), model.spec().vocabSize());
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray logits = model.teacherForcedLogits(ps, batch.classes(), inputs, true);
            NDArray loss = TokenCrossEntropy.loss(logits, batch.tokens(), config.labelSmoothing());
            gc.backward(loss);
            return loss;
        }
    }

    /**
     * {@code tokens} (B, T) with each entry replaced, with probability {@code p}, by an id drawn
     * uniformly from [0, vocab): the inputs the model conditions on; the loss keeps the true
     * tokens as targets. The draws come from the engine's generator, seeded per step.
     */
    static NDArray corrupted(NDArray tokens, double p, int vocab) {
        if (p <= 0) {
            return tokens;
        }
        NDManager m = tokens.getManager();
        NDArray replace = m.randomUniform(0f, 1f, tokens.getShape()).lt((float) p);
        NDArray random = m.randomInteger(0, vocab, tokens.getShape(), DataType.INT64);
        return NDArrays.where(replace, random, tokens.toType(DataType.INT64, false));
    }
}
