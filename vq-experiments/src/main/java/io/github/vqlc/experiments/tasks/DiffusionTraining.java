package io.github.vqlc.experiments.tasks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.github.vqlc.core.io.LatentsFile;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.progress.Progress;
import io.github.vqlc.experiments.run.DiffusionRun;
import io.github.vqlc.experiments.run.RunDirectory;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.experiments.wiring.Devices;
import io.github.vqlc.models.diffusion.DiffusionConfig;
import io.github.vqlc.models.diffusion.DiffusionTrainer;
import io.github.vqlc.models.diffusion.DiffusionTransformer;
import io.github.vqlc.models.diffusion.LatentBatches;
import io.github.vqlc.models.diffusion.LatentImageGenerator;
import io.github.vqlc.models.train.TrainingSummary;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code vqlc diffusion train}: trains the diffusion transformer of the {@code diffusion} section
 * on its latents file into {@code run.dir} (see {@link DiffusionRun} for the files), drawing sample
 * grids (EMA weights, rows = classes) through the tokenizer when its run directory is available.
 */
public final class DiffusionTraining {

    private final ExperimentConfig config;

    public DiffusionTraining(ExperimentConfig config) {
        this.config = config;
    }

    public Map<String, Object> run(boolean resume, PrintStream out) {
        DiffusionConfig d = config.diffusion();
        Path latentsPath = d.requireLatents();
        LatentsFile latents = LatentsFile.open(latentsPath);
        DiffusionTransformer.Spec spec = d.spec(latents.channels(), latents.height(), latents.classes());
        if (latents.height() != latents.width()) {
            latents.requireGrid(latents.channels(), latents.height(), latents.height(), "the diffusion transformer");
        }
        RunDirectory dir = new RunDirectory(config.run().dir());
        Path tokenizerDir = d.tokenizerDir();
        // an explicitly named tokenizer must load; the latents file's directory is used when it is a run
        boolean decode = d.tokenizer() != null || Files.isRegularFile(tokenizerDir.resolve("config.conf"));
        try (NDManager manager =
                        NDManager.newBaseManager(Devices.resolve(config.run().device()));
                TrainedRun tokenizer = decode ? TrainedRun.tokenizer(tokenizerDir, "diffusion.tokenizer") : null) {
            Engine.getInstance().setRandomSeed((int) config.run().seed());
            DiffusionTransformer model = new DiffusionTransformer(spec);
            DiffusionRun.initialize(model, manager);
            float[] mean = d.normalize() ? latents.mean() : null;
            float[] std = d.normalize() ? latents.std() : null;
            // checks the tokenizer's latents against the file before anything is written
            LatentImageGenerator samples = tokenizer == null
                    ? null
                    : new LatentImageGenerator(model, tokenizer.model(), tokenizer.manager(), d.sampling(), mean, std);
            LatentBatches batches =
                    new LatentBatches(latents, d.batchSize(), config.run().seed(), d.normalize());
            dir.prepare(resume, config.render());
            DiffusionRun.writeSpec(dir.path(), model, tokenizerDir, tokenizer, latents, d.normalize());
            out.printf(
                    "diffusion %s -> %s: %,d parameters, %d channels at %dx%d, patch %d (%d tokens), %d classes,"
                            + " %d training latents%s%n",
                    config.run().name(),
                    dir.path(),
                    model.parameterCount(),
                    spec.channels(),
                    spec.grid(),
                    spec.grid(),
                    spec.patch(),
                    spec.tokens(),
                    spec.classes(),
                    latents.count(),
                    d.normalize() ? " (standardized per channel)" : "");
            if (samples == null) {
                out.println("no tokenizer run at " + tokenizerDir
                        + " (set diffusion.tokenizer): training without sample grids");
            }
            DiffusionTrainer trainer = new DiffusionTrainer(
                            model, manager, d, batches, dir.path(), config.run().seed())
                    .observer(new Progress(out, out == System.out && System.console() != null, d.logEvery()))
                    .sampler(step -> {
                        if (samples != null) {
                            Generation.writeSampleGrid(
                                    samples,
                                    dir.samples().resolve(String.format("diffusion-%06d.png", step)),
                                    8,
                                    d.sampling().batchSize(),
                                    config.run().seed());
                        }
                    });
            TrainingSummary summary = trainer.run(resume);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("run", config.run().name());
            metrics.put("model", "diffusion");
            metrics.put("parameters", model.parameterCount());
            metrics.put("latent_channels", spec.channels());
            metrics.put("latent_grid", spec.grid());
            metrics.put("tokens", spec.tokens());
            metrics.put("classes", spec.classes());
            metrics.put("steps", summary.steps());
            metrics.put("train_seconds", summary.trainSeconds());
            metrics.put("images_per_second", summary.imagesPerSecond());
            metrics.put("class_dropout", d.classDropout());
            metrics.put("ema_decay", d.emaDecay());
            summary.lastLosses().forEach((k, v) -> metrics.put("final_" + k, v));
            dir.updateMetrics(metrics);
            out.println("final loss " + summary.lastLosses().get("loss") + "; metrics: " + dir.metrics());
            return metrics;
        }
    }
}
