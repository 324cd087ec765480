package io.github.vqlc.models.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.TrainConfig;
import io.github.vqlc.core.data.Batch;
import io.github.vqlc.core.data.BatchLoader;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.data.LoaderState;
import io.github.vqlc.core.io.ImageGrid;
import io.github.vqlc.core.ops.Scalars;
import io.github.vqlc.core.io.JsonLines;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a {@link VqAutoencoder}: reconstruction loss ({@code l1} or {@code l2}) plus
 * {@code quantizer-weight} x the quantizer's terms, Adam with warm-up + cosine schedule.
 *
 * <p>Every step runs in its own {@link NDScope} and sub-manager so memory stays flat; losses reach
 * the host only on log steps, where non-finite values stop the run before any checkpoint could
 * store them. Checkpoints hold parameters, Adam moments and the data position, so a resumed run
 * replays exactly the batches and updates of an uninterrupted one.
 */
public final class VqTrainer {

    private final VqAutoencoder model;
    private final NDManager manager;
    private final TrainConfig train;
    private final ImageDataset trainSet;
    private final ImageDataset sampleSet;
    private final Path runDir;
    private final long seed;
    private final HeldOutEvaluation heldOut;
    private TrainingObserver observer = TrainingObserver.NONE;

    /**
     * @param manager the model's manager (on the run's device); parameters must be initialized
     * @param sampleSet images for reconstruction grids (the first 8 are shown)
     * @param heldOut periodic evaluation, or null
     */
    public VqTrainer(VqAutoencoder model, NDManager manager, TrainConfig train, ImageDataset trainSet,
            ImageDataset sampleSet, Path runDir, long seed, HeldOutEvaluation heldOut) {
        this.model = model;
        this.manager = manager;
        this.train = train;
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

    /** Trains to {@code train.steps}, continuing the newest checkpoint when {@code resume}. */
    public TrainingSummary run(boolean resume) {
        attachGradients();
        Adam adam = new Adam(model.getParameters().values(), manager, train.beta1(), train.beta2(), 1e-8);
        BatchLoader loader = BatchLoader.builder(trainSet).setBatchSize(Math.min(train.batchSize(), trainSet.size()))
                .optShuffle(true).optDropLast(true).optSeed(seed).build();
        Checkpoints checkpoints = checkpoints();
        int startStep = 0;
        double previousSeconds = 0;
        if (resume) {
            var newest = checkpoints.newest();
            if (newest.isPresent()) {
                JsonObject state = checkpoints.load(newest.get(), model, adam, manager);
                attachGradients();
                startStep = newest.get().step();
                previousSeconds = state.get("train_seconds").getAsDouble();
                loader.restore(new LoaderState(state.get("data_epoch").getAsLong(), state.get("data_cursor").getAsInt()));
                observer.note("resumed from " + newest.get().dir() + " at step " + startStep);
            }
        }
        LearningRateSchedule schedule = new LearningRateSchedule(train.lr(), train.minLr(), train.warmupSteps(), train.steps());
        ParameterStore ps = new ParameterStore(manager, false);
        Map<String, Double> lastLosses = new LinkedHashMap<>();
        observer.started(startStep + 1, train.steps());
        long sessionStart = System.nanoTime();
        long imagesSeen = 0;
        try (JsonLines log = new JsonLines(runDir.resolve("log.jsonl")); loader) {
            for (int step = startStep + 1; step <= train.steps(); step++) {
                boolean logStep = step % train.logEvery() == 0 || step == train.steps();
                boolean checkpointStep = step % train.checkpointEvery() == 0 || step == train.steps();
                double lr = schedule.at(step);
                Map<String, Double> losses = null;
                try (NDScope scope = new NDScope(); NDManager sub = manager.newSubManager()) {
                    scope.suppressNotUsedWarning();
                    Batch batch = loader.nextBatch(sub);
                    Map<String, NDArray> terms = trainStep(ps, batch.images());
                    adam.step(lr);
                    imagesSeen += batch.size();
                    if (logStep || checkpointStep) {
                        losses = toHost(terms);
                        checkFinite(step, losses);
                    }
                }
                double seconds = (System.nanoTime() - sessionStart) / 1e9;
                double ips = imagesSeen / Math.max(seconds, 1e-9);
                if (losses != null) {
                    lastLosses = losses;
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("step", step);
                    line.putAll(losses);
                    line.put("lr", lr);
                    line.put("images_per_second", ips);
                    line.put("elapsed_seconds", previousSeconds + seconds);
                    log.append(line);
                }
                observer.stepped(step, ips, losses == null ? Map.of() : losses);
                if (train.evalEvery() > 0 && step % train.evalEvery() == 0 && heldOut != null) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("step", step);
                    line.put("split", "held_out");
                    line.putAll(heldOut.evaluate(model, ps));
                    log.append(line);
                    observer.note("eval at step " + step + ": " + line);
                }
                if ((train.sampleEvery() > 0 && step % train.sampleEvery() == 0) || step == train.steps()) {
                    writeSamples(ps, step);
                }
                if (checkpointStep) {
                    JsonObject state = new JsonObject();
                    state.addProperty("train_seconds", previousSeconds + seconds);
                    state.addProperty("data_epoch", loader.state().epoch());
                    state.addProperty("data_cursor", loader.state().cursor());
                    checkpoints.save(step, model, adam, state);
                }
            }
        }
        double seconds = (System.nanoTime() - sessionStart) / 1e9;
        observer.finished();
        return new TrainingSummary(train.steps(), previousSeconds + seconds, imagesSeen / Math.max(seconds, 1e-9), lastLosses);
    }

    /** Forward, loss and backward for one batch; returns the loss terms (still on the device). */
    Map<String, NDArray> trainStep(ParameterStore ps, NDArray images) {
        Map<String, NDArray> terms = new LinkedHashMap<>();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            VqAutoencoder.Output out = model.reconstruct(ps, images, true);
            NDArray diff = out.reconstruction().sub(images);
            NDArray rec = train.recLoss().equals("l1") ? diff.abs().mean() : diff.square().mean();
            QuantizerOutput q = out.quantized();
            NDArray loss = rec.add(Scalars.mul(q.loss(), (float) train.quantizerWeight()));
            gc.backward(loss);
            terms.put("loss", loss);
            terms.put("rec_" + train.recLoss(), rec);
            for (Map.Entry<String, NDArray> e : q.losses().entrySet()) {
                terms.put(e.getKey(), e.getValue());
            }
        }
        return terms;
    }

    private static Map<String, Double> toHost(Map<String, NDArray> terms) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : terms.entrySet()) {
            values.put(e.getKey(), (double) e.getValue().getFloat());
        }
        return values;
    }

    private void checkFinite(int step, Map<String, Double> losses) {
        for (Map.Entry<String, Double> e : losses.entrySet()) {
            if (!Double.isFinite(e.getValue())) {
                var newest = checkpoints().newest();
                throw new UserException("loss '" + e.getKey() + "' became " + e.getValue() + " at step " + step
                        + "; stopped without saving; last good checkpoint: "
                        + newest.map(c -> c.dir().toString()).orElse("none")
                        + " (try a lower train.lr)");
            }
        }
    }

    /** Originals (top row) above their reconstructions (bottom row), from the first 8 sample images. */
    void writeSamples(ParameterStore ps, int step) {
        int n = Math.min(8, sampleSet.size());
        try (NDScope scope = new NDScope(); NDManager sub = manager.newSubManager()) {
            scope.suppressNotUsedWarning();
            int[] first = new int[n];
            for (int i = 0; i < n; i++) {
                first[i] = i;
            }
            Batch batch = BatchLoader.builder(sampleSet).setBatchSize(n).build().load(sub, first);
            NDArray recon = model.reconstruct(ps, batch.images(), false).reconstruction();
            ImageGrid.write(runDir.resolve("samples").resolve(String.format("recon-%06d.png", step)),
                    List.of(batch.images(), recon));
        }
    }

    /** Marks trainable parameters for autograd (needed after initialization and after loading). */
    private void attachGradients() {
        List<Parameter> params = new ArrayList<>(model.getParameters().values());
        for (Parameter p : params) {
            if (p.requiresGradient() && !p.getArray().hasGradient()) {
                p.getArray().setRequiresGradient(true);
            }
        }
    }
}
