package io.github.vqlc.models.diffusion;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.UserException;
import io.github.vqlc.models.train.Adam;
import io.github.vqlc.models.train.Checkpoints;
import io.github.vqlc.models.train.LearningRateSchedule;
import io.github.vqlc.models.train.TrainingLoop;
import io.github.vqlc.models.train.TrainingObserver;
import io.github.vqlc.models.train.TrainingSummary;
import io.github.vqlc.models.train.WeightEma;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Trains a {@link DiffusionTransformer} on tokenizer latents with SiT's velocity objective ({@link
 * VelocityObjective}): per step a batch of latents, t ~ U(0, 1), noise ~ N(0, I), each class
 * replaced by "no class" with probability {@code class-dropout} (for classifier-free guidance);
 * AdamW at a constant rate after an optional linear warm-up (as SiT and DiT train); a weight EMA
 * updated after every step, which checkpoints hold and sampling uses. Runs in the shared {@link
 * TrainingLoop} (a scope per step, exact resume, a non-finite loss stops the run before it could be
 * saved); the engine's generator is reseeded from (seed, step) before every step so t, noise and
 * class dropout replay on resume.
 */
public final class DiffusionTrainer {

    /** The checkpoint array holding the EMA weights. */
    public static final String EMA = "ema";

    private final DiffusionTransformer model;
    private final NDManager manager;
    private final DiffusionConfig config;
    private final LatentBatches batches;
    private final Path runDir;
    private final long seed;
    private final WeightEma ema;
    private TrainingObserver observer = TrainingObserver.NONE;
    private IntConsumer sampler = step -> {};

    /** @param manager the model's manager; parameters must be initialized */
    public DiffusionTrainer(
            DiffusionTransformer model,
            NDManager manager,
            DiffusionConfig config,
            LatentBatches batches,
            Path runDir,
            long seed) {
        this.model = model;
        this.manager = manager;
        this.config = config;
        this.batches = batches;
        this.runDir = runDir;
        this.seed = seed;
        this.ema = config.emaDecay() > 0 ? new WeightEma(model, manager, config.emaDecay()) : null;
    }

    public DiffusionTrainer observer(TrainingObserver observer) {
        this.observer = observer;
        return this;
    }

    /**
     * Called with the EMA weights swapped in, with the step number every {@code
     * diffusion.sample-every} steps and at the end (e.g. to draw sample grids).
     */
    public DiffusionTrainer sampler(IntConsumer sampler) {
        this.sampler = sampler;
        return this;
    }

    public Checkpoints checkpoints() {
        return new Checkpoints(runDir.resolve("checkpoints"), config.keepCheckpoints());
    }

    /** The optimizer {@link #run} uses: AdamW over every parameter. */
    public Adam newOptimizer() {
        Adam.attachGradients(model);
        return new Adam(
                model.getParameters().values(),
                manager,
                config.beta1(),
                config.beta2(),
                1e-8,
                config.weightDecay(),
                p -> true);
    }

    /** Trains to {@code diffusion.steps}, continuing the newest checkpoint when {@code resume}. */
    public TrainingSummary run(boolean resume) {
        Adam adam = newOptimizer();
        ParameterStore ps = new ParameterStore(manager, false);
        return TrainingLoop.builder()
                .setManager(manager)
                .setSteps(config.steps())
                .setSchedule(new LearningRateSchedule(config.lr(), config.lr(), config.warmupSteps(), config.steps()))
                .setImagesPerStep(config.batchSize())
                .setStep((sub, step, lr) -> {
                    // t, noise and dropped classes depend on (seed, step) only, so a resumed run draws the same
                    Engine.getInstance().setRandomSeed((int) (seed * 1_000_003L + step));
                    NDArray loss = trainStep(ps, batches.next(sub));
                    update(adam, lr);
                    return Map.of("loss", loss);
                })
                .optLogEvery(config.logEvery())
                .optLog(runDir.resolve("log.jsonl"))
                .optCheckpoints(
                        checkpoints(),
                        config.checkpointEvery(),
                        List.of(new Checkpoints.Part(Checkpoints.MODEL, model, adam)))
                .optCheckpointArrays(() -> {
                    Map<String, NDList> arrays = new LinkedHashMap<>();
                    if (ema != null) {
                        arrays.put(EMA, ema.state());
                    }
                    return arrays;
                })
                .optOnResume((checkpoint, state) -> {
                    Adam.attachGradients(model);
                    if (ema != null) {
                        try (NDManager scratch = manager.newSubManager()) {
                            ema.restore(Checkpoints.readArrays(checkpoint, EMA, scratch)
                                    .orElseThrow(() -> new UserException("checkpoint " + checkpoint.dir() + " has no "
                                            + EMA + ".ndlist but diffusion.ema-decay > 0")));
                        }
                    }
                })
                .optData(batches)
                .addAfterStep((step, log) -> {
                    if ((config.sampleEvery() > 0 && step % config.sampleEvery() == 0) || step == config.steps()) {
                        try (WeightEma.Swap swap = ema == null ? () -> {} : ema.swapIn()) {
                            sampler.accept(step);
                        }
                    }
                })
                .optStopOnNonFinite(
                        "diffusion loss%s; stopped without saving; last good checkpoint: %s (try a lower diffusion.lr)")
                .optObserver(observer)
                .build()
                .run(resume);
    }

    /**
     * Forward, loss and backward for one batch; returns the loss (still on the device). The
     * update follows ({@link #update}); {@code vqlc bench diffusion} times the two.
     */
    public NDArray trainStep(ParameterStore ps, LatentBatches.Batch batch) {
        NDArray x0 = batch.latents();
        NDManager m = x0.getManager();
        long b = x0.getShape().get(0);
        NDArray classes =
                dropped(batch.classes(), config.classDropout(), model.spec().classes());
        NDArray noise = m.randomNormal(x0.getShape());
        NDArray t = m.randomUniform(0f, 1f, new Shape(b));
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = VelocityObjective.loss(model, ps, x0, noise, t, classes);
            gc.backward(loss);
            return loss;
        }
    }

    /** The update after {@link #trainStep}: AdamW at {@code lr}, then the weight EMA. */
    public void update(Adam adam, double lr) {
        adam.step(lr);
        if (ema != null) {
            ema.update();
        }
    }

    /**
     * {@code classes} (B) with each entry replaced, with probability {@code p}, by {@code noClass}
     * (the unconditional row); the draws come from the engine's generator, seeded per step.
     */
    static NDArray dropped(NDArray classes, double p, int noClass) {
        NDArray y = classes.toType(DataType.INT64, false);
        if (p <= 0 || noClass == 0) {
            return y;
        }
        NDManager m = classes.getManager();
        NDArray drop = m.randomUniform(0f, 1f, classes.getShape()).lt((float) p);
        return NDArrays.where(drop, m.full(classes.getShape(), (long) noClass, DataType.INT64), y);
    }
}
