package io.github.vqlc.models.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.Batch;
import io.github.vqlc.core.data.BatchLoader;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.io.ImageGrid;
import io.github.vqlc.core.stats.LevelCodes;
import io.github.vqlc.core.stats.RecentCodes;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a {@link VqAutoencoder} with the VQGAN objective ({@link VqganObjective}): reconstruction,
 * perceptual and quantizer terms, and from {@code loss.gan.start-step} on the adaptive GAN term
 * with a PatchGAN discriminator trained by its own Adam. Both optimizers follow linear warm-up +
 * half-cycle cosine; {@code train.accumulate-steps} micro-batches make one update; an optional EMA
 * of the generator's weights is used for samples and evaluation.
 *
 * <p>The loop around the step is the shared {@link TrainingLoop}: a scope and sub-manager per step,
 * losses on the host only on log steps (where non-finite values stop the run before any checkpoint
 * could store them). Checkpoints hold both networks, both optimizers' moments and step counts, the
 * EMA weights and the data position, so a resumed run replays exactly the batches and updates of an
 * uninterrupted one.
 */
public final class VqTrainer {

    private final Replicas replicas;
    private final VqAutoencoder model;
    private final VqganObjective objective;
    private final NDManager manager;
    private final TrainConfig train;
    private final double discriminatorLr;
    private final ImageDataset trainSet;
    private final ImageDataset sampleSet;
    private final Path runDir;
    private final long seed;
    private final HeldOutEvaluation heldOut;
    private TrainingObserver observer = TrainingObserver.NONE;
    private WeightEma ema;
    private Map<String, Object> usage = Map.of();

    /**
     * @param replicas the networks to train: the primary replica's model is the run's (samples,
     *     evaluation, checkpoints); more replicas train data parallel
     * @param manager the primary model's manager; parameters must be initialized
     * @param objective the losses (and the discriminator, initialized, when the GAN term is on)
     * @param discriminatorLr peak learning rate of the discriminator's Adam
     * @param sampleSet images for reconstruction grids (the first 8 are shown)
     * @param heldOut periodic evaluation, or null
     */
    public VqTrainer(
            Replicas replicas,
            VqganObjective objective,
            NDManager manager,
            TrainConfig train,
            double discriminatorLr,
            ImageDataset trainSet,
            ImageDataset sampleSet,
            Path runDir,
            long seed,
            HeldOutEvaluation heldOut) {
        this.replicas = replicas;
        this.model = replicas.primary().model();
        this.objective = objective;
        this.manager = manager;
        this.train = train;
        this.discriminatorLr = discriminatorLr;
        this.trainSet = trainSet;
        this.sampleSet = sampleSet;
        this.runDir = runDir;
        this.seed = seed;
        this.heldOut = heldOut;
    }

    public VqTrainer observer(TrainingObserver observer) {
        this.observer = observer;
        return this;
    }

    public Checkpoints checkpoints() {
        return new Checkpoints(runDir.resolve("checkpoints"), train.keepCheckpoints());
    }

    /** The weight average, when {@code train.ema-decay} > 0 (after {@link #run} started). */
    public WeightEma ema() {
        return ema;
    }

    /**
     * Code usage of the evolving model, after {@link #run}: {@code utilization_last_epoch} (the
     * codes chosen over the last epoch's worth of training steps, as the VQGAN-LC authors count it)
     * and {@code utilization_window} (the last {@value #WINDOW_TOKENS} tokens, LlamaGen's count),
     * each with the tokens it counted; {@code utilization_last_epoch_complete} says whether the run
     * trained a whole epoch.
     */
    public Map<String, Object> trainingUsage() {
        return usage;
    }

    /** Tokens of the usage window logged at every log step (LlamaGen's 65,536). */
    public static final int WINDOW_TOKENS = 65_536;

    /** Trains to {@code train.steps}, continuing the newest checkpoint when {@code resume}. */
    public TrainingSummary run(boolean resume) {
        TrainingStep trainingStep = new TrainingStep(
                replicas,
                objective,
                manager,
                train.beta1(),
                train.beta2(),
                train.adamEps(),
                train.emaDecay(),
                train.steps());
        ema = trainingStep.ema();
        RecentCodes codes = new RecentCodes(manager, LevelCodes.pooledSize(model.quantizer()));
        trainingStep.recordCodesInto(codes);
        int batchSize = Math.min(train.batchSize(), trainSet.size());
        long imagesPerStep = (long) batchSize * train.accumulateSteps();
        int epochSteps = (int) ((trainSet.size() + imagesPerStep - 1) / imagesPerStep);
        BatchLoader loader = BatchLoader.builder(trainSet)
                .setBatchSize(batchSize)
                .optShuffle(true)
                .optDropLast(true)
                .optSeed(seed)
                .build();
        LearningRateSchedule discSchedule = new LearningRateSchedule(
                discriminatorLr, train.minLr() * discriminatorLr / train.lr(), train.warmupSteps(), train.steps());
        ParameterStore ps = replicas.primary().ps();
        TrainingLoop loop = TrainingLoop.builder()
                .setManager(manager)
                .setSteps(train.steps())
                .setSchedule(new LearningRateSchedule(train.lr(), train.minLr(), train.warmupSteps(), train.steps()))
                .setImagesPerStep(imagesPerStep)
                .setStep((sub, step, lr) -> {
                    List<NDArray> microBatches = new ArrayList<>();
                    for (int m = 0; m < train.accumulateSteps(); m++) {
                        microBatches.add(loader.nextBatch(sub).images());
                    }
                    return trainingStep.run(microBatches, step, lr, discSchedule.at(step));
                })
                .optLogEvery(train.logEvery())
                .optLog(runDir.resolve("log.jsonl"))
                .optCheckpoints(checkpoints(), train.checkpointEvery(), trainingStep.checkpointParts())
                .optCheckpointArrays(() -> {
                    Map<String, NDList> arrays = new LinkedHashMap<>();
                    if (ema != null) {
                        arrays.put("ema", ema.state());
                    }
                    arrays.put("codes", new NDList(codes.state()));
                    return arrays;
                })
                .optHostExtras(step -> {
                    Usage w = usedOver(codes, codes.stepsFor(WINDOW_TOKENS), step);
                    Map<String, Double> values = new LinkedHashMap<>();
                    values.put("utilization_window", w.utilization());
                    values.put("utilization_window_tokens", (double) w.tokens());
                    return values;
                })
                .optOnResume((checkpoint, state) -> {
                    trainingStep.reattachGradients();
                    try (NDManager scratch = manager.newSubManager()) {
                        // older checkpoints have no record: the counts then start at the resume
                        Checkpoints.readArrays(checkpoint, "codes", scratch)
                                .ifPresent(saved -> codes.restore(saved.singletonOrThrow()));
                    }
                    if (ema != null) {
                        try (NDManager scratch = manager.newSubManager()) {
                            NDList saved = Checkpoints.readArrays(checkpoint, "ema", scratch)
                                    .orElseThrow(() -> new UserException("checkpoint " + checkpoint.dir()
                                            + " has no ema.ndlist but train.ema-decay > 0"));
                            ema.restore(saved);
                        }
                    }
                })
                .optData(loader)
                .addAfterStep((step, log) -> {
                    if (train.evalEvery() > 0 && step % train.evalEvery() == 0 && heldOut != null) {
                        Map<String, Object> line = new LinkedHashMap<>();
                        line.put("step", step);
                        line.put("split", "held_out");
                        try (WeightEma.Swap swap = swapInEma()) {
                            line.putAll(heldOut.evaluate(model, ps));
                        }
                        log.line(line);
                        log.note("eval at step " + step + ": " + line);
                    }
                })
                .addAfterStep((step, log) -> {
                    if ((train.sampleEvery() > 0 && step % train.sampleEvery() == 0) || step == train.steps()) {
                        try (WeightEma.Swap swap = swapInEma()) {
                            writeSamples(ps, step);
                        }
                    }
                })
                .optStopOnNonFinite("loss%s; stopped without saving; last good checkpoint: %s (try a lower train.lr)")
                .optObserver(observer)
                .build();
        try (loader;
                codes) {
            TrainingSummary summary = loop.run(resume);
            int steps = train.steps();
            Usage epoch = usedOver(codes, epochSteps, steps);
            Usage window = usedOver(codes, codes.stepsFor(WINDOW_TOKENS), steps);
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("utilization_last_epoch", epoch.utilization());
            u.put("utilization_last_epoch_tokens", epoch.tokens());
            u.put("utilization_last_epoch_complete", steps >= epochSteps);
            u.put("utilization_window", window.utilization());
            u.put("utilization_window_tokens", window.tokens());
            usage = u;
            return summary;
        }
    }

    /** Share of the codebook chosen over the last {@code steps} steps up to {@code step}, and the tokens counted. */
    private record Usage(double utilization, long tokens) {}

    private static Usage usedOver(RecentCodes codes, int steps, int step) {
        return new Usage(
                (double) codes.usedInLast(steps, step) / codes.codebookSize(),
                (long) Math.min(steps, step) * codes.tokensPerStep());
    }

    /** The EMA weights in the model until closed (a no-op without EMA). */
    public WeightEma.Swap swapInEma() {
        return ema == null ? () -> {} : ema.swapIn();
    }

    /** Originals (top row) above their reconstructions (bottom row), from the first 8 sample images. */
    void writeSamples(ParameterStore ps, int step) {
        int n = Math.min(8, sampleSet.size());
        try (NDScope scope = new NDScope();
                NDManager sub = manager.newSubManager()) {
            scope.suppressNotUsedWarning();
            int[] first = new int[n];
            for (int i = 0; i < n; i++) {
                first[i] = i;
            }
            Batch batch = BatchLoader.builder(sampleSet).setBatchSize(n).build().load(sub, first);
            NDArray recon = model.reconstruct(ps, batch.images(), false).reconstruction();
            ImageGrid.write(
                    runDir.resolve("samples").resolve(String.format("recon-%06d.png", step)),
                    List.of(batch.images(), recon));
        }
    }
}
