package io.github.vqlc.models.features;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.Batch;
import io.github.vqlc.core.data.BatchLoader;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.models.train.Adam;
import io.github.vqlc.models.train.LearningRateSchedule;
import io.github.vqlc.models.train.TrainingLoop;
import io.github.vqlc.models.train.TrainingObserver;
import io.github.vqlc.models.train.TrainingSummary;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Trains a {@link FeatureNet} on a labelled dataset: softmax cross-entropy, Adam (0.9, 0.999),
 * linear warm-up and cosine decay; then measures top-1 accuracy on a test split.
 */
public final class FeatureNetTrainer {

    /** Non-finite steps in a row after which training stops as diverged. */
    static final int MAX_BAD_STEPS_IN_A_ROW = 5;

    private final FeatureNetConfig config;
    private final NDManager manager;
    private final long seed;
    private TrainingObserver observer = TrainingObserver.NONE;

    /** The trained network, its test accuracy and the training wall time. */
    public record Result(FeatureNet net, double testAccuracy, double trainSeconds) {}

    /** @param manager the network's manager (on the training device) */
    public FeatureNetTrainer(FeatureNetConfig config, NDManager manager, long seed) {
        this.config = config;
        this.manager = manager;
        this.seed = seed;
    }

    public FeatureNetTrainer observer(TrainingObserver observer) {
        this.observer = observer;
        return this;
    }

    public Result train(ImageDataset train, ImageDataset test) {
        if (train.numClasses() < 2) {
            throw new UserException("the feature network learns from class labels, but " + train.describe() + " has "
                    + train.numClasses() + " class");
        }
        FeatureNet net = new FeatureNet(new FeatureNet.Architecture(
                train.channels(), train.imageSize(), config.width(), train.numClasses(), config.depth()));
        Engine.getInstance().setRandomSeed((int) seed);
        net.initialize(manager, DataType.FLOAT32, new Shape(1, train.channels(), train.imageSize(), train.imageSize()));
        Adam.attachGradients(net);
        Adam adam = new Adam(net.getParameters().values(), manager, 0.9, 0.999, 1e-8);
        LearningRateSchedule schedule =
                new LearningRateSchedule(config.lr(), config.minLr(), config.warmupSteps(), config.steps());
        ParameterStore ps = new ParameterStore(manager, false);
        int batchSize = Math.min(config.batchSize(), train.size());
        int[] skipped = {0};
        int[] badInARow = {0};
        TrainingSummary summary;
        try (BatchLoader loader = BatchLoader.builder(train)
                .setBatchSize(batchSize)
                .optShuffle(true)
                .optDropLast(true)
                .optSeed(seed)
                .build()) {
            summary = TrainingLoop.builder()
                    .setManager(manager)
                    .setSteps(config.steps())
                    .setSchedule(schedule)
                    .setImagesPerStep(batchSize)
                    .setStep((sub, step, lr) -> {
                        Batch batch = loader.nextBatch(sub);
                        NDArray loss;
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray logits = net.classify(ps, batch.images(), true);
                            loss = crossEntropy(logits, batch.labels(), train.numClasses());
                            gc.backward(loss);
                        }
                        double value = loss.getFloat();
                        // a step with a non-finite loss or gradient is skipped, not applied: libtorch on
                        // this project's CPUs produced sporadic NaN (docs/djl-pitfalls.md); a diverging
                        // run still stops
                        if (!Double.isFinite(value) || !adam.gradientsFinite()) {
                            adam.zeroGradients();
                            skipped[0]++;
                            if (++badInARow[0] > MAX_BAD_STEPS_IN_A_ROW) {
                                throw new UserException("feature network loss became " + value + " at step " + step
                                        + " (" + badInARow[0] + " non-finite steps in a row); nothing was written"
                                        + " (try a lower features.lr)");
                            }
                        } else {
                            adam.step(lr);
                            badInARow[0] = 0;
                        }
                        return Map.of("loss", loss);
                    })
                    .optLogEvery(config.logEvery())
                    .optHostExtras(step -> skipped[0] == 0 ? Map.of() : Map.of("skipped_steps", (double) skipped[0]))
                    .optObserver(observer)
                    .build()
                    .run(false);
        }
        return new Result(net, accuracy(net, test, manager, config.batchSize()), summary.trainSeconds());
    }

    /** Mean over the batch of -log softmax(logits)[label], the log-softmax shifted by the detached row maximum. */
    static NDArray crossEntropy(NDArray logits, NDArray labels, int numClasses) {
        NDArray oneHot = labels.oneHot(numClasses).toType(DataType.FLOAT32, false);
        NDArray shifted = logits.sub(logits.max(new int[] {1}, true).stopGradient());
        NDArray logp = shifted.sub(shifted.exp().sum(new int[] {1}, true).log());
        return logp.mul(oneHot).sum(new int[] {1}).mean().neg();
    }

    /** Top-1 accuracy of {@code net} over {@code data}, in inference mode. */
    public static double accuracy(FeatureNet net, ImageDataset data, NDManager manager, int batchSize) {
        ParameterStore ps = new ParameterStore(manager, false);
        AtomicLong correct = new AtomicLong();
        try (BatchLoader loader = BatchLoader.builder(data)
                .setBatchSize(batchSize)
                .optShuffle(false)
                .build()) {
            loader.forEachBatch(manager, batch -> {
                NDArray predicted = net.classify(ps, batch.images(), false).argMax(1);
                correct.addAndGet(predicted
                        .eq(batch.labels())
                        .sum()
                        .toType(DataType.INT64, false)
                        .getLong());
            });
        }
        return correct.get() / (double) data.size();
    }
}
