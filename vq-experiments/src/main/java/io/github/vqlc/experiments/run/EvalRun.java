package io.github.vqlc.experiments.run;

import ai.djl.ndarray.NDManager;
import com.google.inject.Injector;
import com.google.inject.Module;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.ExperimentConfig;
import io.github.vqlc.models.train.Checkpoints;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.io.PrintStream;
import io.github.vqlc.eval.reconstruction.TokenizerEvaluator;
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
        Checkpoints checkpoints = new Checkpoints(dir.path().resolve("checkpoints"), Integer.MAX_VALUE);
        var newest = checkpoints.newest().orElseThrow(() ->
                new UserException("no complete checkpoint in " + dir.path().resolve("checkpoints") + "; train the run first"));
        Injector injector = TrainRun.injector(config, overrides);
        VqAutoencoder model = injector.getInstance(VqAutoencoder.class);
        try (TokenizerEvaluator evaluator = Evaluation.open(injector)) {
            checkpoints.load(newest, model, null, injector.getInstance(NDManager.class));
            out.println("evaluating " + newest.dir());
            Map<String, Object> metrics = new LinkedHashMap<>(Evaluation.run(injector, evaluator, dir, out));
            metrics.put("checkpoint_step", newest.step());
            dir.updateMetrics(Map.of("checkpoint_step", newest.step()));
            out.println(Evaluation.summary(metrics));
            return metrics;
        }
    }
}
