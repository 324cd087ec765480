package io.github.vqlc.experiments.run;

import com.google.inject.Injector;
import com.google.inject.Module;
import io.github.vqlc.eval.reconstruction.TokenizerEvaluator;
import io.github.vqlc.experiments.config.ExperimentConfig;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code vqlc eval <run-dir>}: the newest checkpoint of a run, evaluated into its metrics.json. */
public final class EvalRun {

    private final ExperimentConfig config;
    private final Module[] overrides;

    public EvalRun(ExperimentConfig config, Module... overrides) {
        this.config = config;
        this.overrides = overrides;
    }

    public Map<String, Object> run(PrintStream out) {
        RunDirectory dir = new RunDirectory(config.run().dir());
        TrainedRun trained = TrainedRun.load(config, overrides);
        var newest = trained.checkpoint();
        Injector injector = trained.injector();
        try (TokenizerEvaluator evaluator = Evaluation.open(injector)) {
            out.println("evaluating " + newest.dir());
            Map<String, Object> metrics = new LinkedHashMap<>(Evaluation.run(injector, evaluator, dir, out));
            metrics.put("checkpoint_step", newest.step());
            dir.updateMetrics(Map.of("checkpoint_step", newest.step()));
            out.println(Evaluation.summary(metrics));
            return metrics;
        }
    }
}
