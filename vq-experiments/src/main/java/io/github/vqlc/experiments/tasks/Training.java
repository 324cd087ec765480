package io.github.vqlc.experiments.tasks;

import com.google.gson.JsonObject;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import io.github.vqlc.core.io.JsonLines;
import io.github.vqlc.eval.reconstruction.TokenizerEvaluator;
import io.github.vqlc.eval.usage.UsageOverTrainingPlot;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.progress.Progress;
import io.github.vqlc.experiments.run.RunDirectory;
import io.github.vqlc.experiments.wiring.ExperimentModule;
import io.github.vqlc.models.train.Replicas;
import io.github.vqlc.models.train.TrainingObserver;
import io.github.vqlc.models.train.TrainingSummary;
import io.github.vqlc.models.train.VqTrainer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code vqlc train}: prepare the run directory, train (or resume), evaluate, write metrics.json. */
public final class Training {

    private final ExperimentConfig config;
    private final Module[] overrides;

    /** @param overrides Guice modules replacing bindings of {@link ExperimentModule} (tests) */
    public Training(ExperimentConfig config, Module... overrides) {
        this.config = config;
        this.overrides = overrides;
    }

    public Map<String, Object> run(boolean resume, PrintStream out) {
        RunDirectory dir = new RunDirectory(config.run().dir());
        Injector injector = ExperimentModule.injector(config, overrides);
        // building the trainer first surfaces config and data errors before anything is written
        VqTrainer trainer = injector.getInstance(VqTrainer.class);
        try (TokenizerEvaluator evaluator = Evaluation.open(injector)) { // extractor and LPIPS errors, too
            return run(resume, out, dir, injector, trainer, evaluator);
        }
    }

    private Map<String, Object> run(
            boolean resume,
            PrintStream out,
            RunDirectory dir,
            Injector injector,
            VqTrainer trainer,
            TokenizerEvaluator evaluator) {
        dir.prepare(resume, config.render());
        out.println("run " + config.run().name() + " -> " + dir.path());
        Replicas replicas = injector.getInstance(Replicas.class);
        if (replicas.size() > 1) {
            out.println("data parallel: " + replicas.describe() + ", "
                    + config.train().batchSize() / replicas.size() + " images each per micro-batch");
        }
        TrainingObserver observer = new Progress(
                out,
                out == System.out && System.console() != null,
                config.train().logEvery());
        var extra = injector.getExistingBinding(Key.get(TrainingObserver.class));
        if (extra != null) {
            observer = TrainingObserver.both(observer, extra.getProvider().get());
        }
        TrainingSummary summary = trainer.observer(observer).run(resume);
        Map<String, Object> metrics;
        try (var ema = trainer.swapInEma()) { // with train.ema-decay > 0 the averaged weights are evaluated
            metrics = new LinkedHashMap<>(Evaluation.run(injector, evaluator, dir, out));
        }
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("steps", summary.steps());
        training.put("train_seconds", summary.trainSeconds());
        training.put("images_per_second", summary.imagesPerSecond());
        summary.lastLosses().forEach((k, v) -> training.put("final_" + k, v));
        training.putAll(trainer.trainingUsage());
        if (replicas.size() > 1) {
            training.put("replicas", replicas.size());
        }
        dir.updateMetrics(training);
        writeUsageOverTraining(dir);
        metrics.putAll(training);
        out.println(Evaluation.summary(metrics));
        out.println("metrics: " + dir.metrics());
        return metrics;
    }

    /** samples/usage-over-training.png from the window utilization of log.jsonl's lines. */
    private void writeUsageOverTraining(RunDirectory dir) {
        List<UsageOverTrainingPlot.Point> points = new ArrayList<>();
        for (JsonObject line : JsonLines.readLines(dir.path().resolve("log.jsonl"))) {
            if (line.has("utilization_window") && line.has("step")) {
                points.add(new UsageOverTrainingPlot.Point(
                        line.get("step").getAsInt(),
                        line.get("utilization_window").getAsDouble()));
            }
        }
        if (!points.isEmpty()) {
            UsageOverTrainingPlot.write(
                    dir.samples().resolve("usage-over-training.png"),
                    points,
                    VqTrainer.WINDOW_TOKENS,
                    config.quantizer().codebookSize(),
                    config.run().name());
        }
    }
}
