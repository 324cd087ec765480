package io.github.vqlc.experiments.tasks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.github.vqlc.core.io.TokenFile;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.progress.Progress;
import io.github.vqlc.experiments.run.GptRun;
import io.github.vqlc.experiments.run.RunDirectory;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.experiments.wiring.Devices;
import io.github.vqlc.models.gpt.GptConfig;
import io.github.vqlc.models.gpt.GptSpec;
import io.github.vqlc.models.gpt.GptTrainer;
import io.github.vqlc.models.gpt.ImageGenerator;
import io.github.vqlc.models.gpt.TokenGpt;
import io.github.vqlc.models.train.TrainingSummary;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code vqlc gpt train}: trains the token GPT of the {@code gpt} section on its tokens file into
 * {@code run.dir} (see {@link GptRun} for the files), drawing sample grids through the tokenizer
 * when its run directory is available.
 */
public final class GptTraining {

    private final ExperimentConfig config;

    public GptTraining(ExperimentConfig config) {
        this.config = config;
    }

    public Map<String, Object> run(boolean resume, PrintStream out) {
        GptConfig g = config.gpt();
        Path tokensPath = g.requireTokens();
        RunDirectory dir = new RunDirectory(config.run().dir());
        try (TokenFile tokens = TokenFile.open(tokensPath);
                NDManager manager =
                        NDManager.newBaseManager(Devices.resolve(config.run().device()))) {
            GptSpec spec = g.spec(tokens.header(), tokensPath);
            Path tokenizerDir = g.tokenizerDir();
            // an explicitly named tokenizer must load; the tokens file's directory is used when it is a run
            boolean decode = g.tokenizer() != null || Files.isRegularFile(tokenizerDir.resolve("config.conf"));
            Engine.getInstance().setRandomSeed((int) config.run().seed());
            TokenGpt model = new TokenGpt(spec);
            model.initialize(manager);
            // checks the tokenizer's codebook and grid against the tokens file before anything is written
            try (TrainedRun tokenizer = decode ? TrainedRun.tokenizer(tokenizerDir, "gpt.tokenizer") : null) {
                ImageGenerator samples =
                        tokenizer == null ? null : Generation.generator(model, tokenizer, g.sampling());
                dir.prepare(resume, config.render());
                GptRun.writeSpec(dir.path(), spec, tokenizerDir, tokenizer);
                out.printf(
                        "gpt %s -> %s: %,d parameters, vocabulary %d, %dx%d tokens, %d classes, %d training images%n",
                        config.run().name(),
                        dir.path(),
                        spec.parameterCount(),
                        spec.vocabSize(),
                        spec.gridHeight(),
                        spec.gridWidth(),
                        spec.classes(),
                        tokens.count());
                if (samples == null) {
                    out.println("no tokenizer run at " + tokenizerDir
                            + " (set gpt.tokenizer): training without sample grids");
                }
                GptTrainer trainer = new GptTrainer(
                                model,
                                manager,
                                g,
                                tokens,
                                dir.path(),
                                config.run().seed())
                        .observer(new Progress(out, out == System.out && System.console() != null, g.logEvery()))
                        .sampler(step -> {
                            if (samples != null) {
                                Generation.writeSampleGrid(
                                        samples,
                                        dir.samples().resolve(String.format("gpt-%06d.png", step)),
                                        8,
                                        g.sampleBatchSize(),
                                        config.run().seed());
                            }
                        });
                TrainingSummary summary = trainer.run(resume);
                Map<String, Object> metrics = new LinkedHashMap<>();
                metrics.put("run", config.run().name());
                metrics.put("model", "gpt");
                metrics.put("parameters", spec.parameterCount());
                metrics.put("vocab_size", spec.vocabSize());
                metrics.put("tokens", spec.sequenceLength());
                metrics.put("classes", spec.classes());
                metrics.put("steps", summary.steps());
                metrics.put("train_seconds", summary.trainSeconds());
                metrics.put("images_per_second", summary.imagesPerSecond());
                metrics.put("tokens_per_second", summary.imagesPerSecond() * spec.sequenceLength());
                metrics.put("token_corruption", config.gpt().tokenCorruption());
                summary.lastLosses().forEach((k, v) -> metrics.put("final_" + k, v));
                dir.updateMetrics(metrics);
                out.println("final loss " + summary.lastLosses().get("loss") + "; metrics: " + dir.metrics());
                return metrics;
            }
        }
    }
}
