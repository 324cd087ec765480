package io.github.vqlc.experiments.tasks;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.name.Names;
import io.github.vqlc.core.data.Datasets;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.data.Split;
import io.github.vqlc.eval.EvalConfig;
import io.github.vqlc.eval.reconstruction.Tokenizer;
import io.github.vqlc.eval.reconstruction.TokenizerEvaluator;
import io.github.vqlc.eval.usage.CodeUsagePlot;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.progress.EvalProgress;
import io.github.vqlc.experiments.run.RunDirectory;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.experiments.wiring.ExperimentModule;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vqlc eval <run-dir>}, and the evaluation at the end of {@code vqlc train}: {@link #open} creates
 * the extractor and LPIPS network and checks the split sizes (user errors surface here, before
 * training or evaluating), {@link #run} evaluates the injector's model and records metrics.json
 * and the usage plot.
 */
public final class Evaluation {

    private final ExperimentConfig config;
    private final Module[] overrides;

    public Evaluation(ExperimentConfig config, Module... overrides) {
        this.config = config;
        this.overrides = overrides;
    }

    /** Evaluates the newest checkpoint of the run into its metrics.json; returns the metrics. */
    public Map<String, Object> run(PrintStream out) {
        RunDirectory dir = new RunDirectory(config.run().dir());
        try (TrainedRun trained = TrainedRun.load(config, overrides);
                TokenizerEvaluator evaluator = Evaluation.open(trained.injector())) {
            var newest = trained.checkpoint();
            Injector injector = trained.injector();
            out.println("evaluating " + newest.dir());
            Map<String, Object> metrics = new LinkedHashMap<>(Evaluation.run(injector, evaluator, dir, out));
            metrics.put("checkpoint_step", newest.step());
            dir.updateMetrics(Map.of("checkpoint_step", newest.step()));
            out.println(Evaluation.summary(metrics));
            return metrics;
        }
    }

    /** Opens the configured evaluator; the caller closes it. */
    static TokenizerEvaluator open(Injector injector) {
        ExperimentConfig config = injector.getInstance(ExperimentConfig.class);
        TokenizerEvaluator evaluator = TokenizerEvaluator.open(
                config.eval(),
                config.data(),
                config.run().seed(),
                injector.getInstance(Device.class),
                injector.getInstance(NDManager.class),
                injector.getInstance(ExperimentModule.EXTRACTORS),
                Path.of("").toAbsolutePath());
        try {
            evaluator.check(evalSplit(injector));
            return evaluator;
        } catch (RuntimeException e) {
            evaluator.close();
            throw e;
        }
    }

    static Map<String, Object> run(Injector injector, TokenizerEvaluator evaluator, RunDirectory dir, PrintStream out) {
        ExperimentConfig config = injector.getInstance(ExperimentConfig.class);
        VqAutoencoder model = injector.getInstance(VqAutoencoder.class);
        NDManager manager = injector.getInstance(NDManager.class);
        long start = System.nanoTime();
        EvalProgress progress = new EvalProgress(out, out == System.out && System.console() != null);
        TokenizerEvaluator.Report r;
        try {
            r = evaluator.evaluate(Tokenizer.of(model), manager, evalSplit(injector), usageSplit(injector), progress);
        } finally {
            progress.finish();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("run", config.run().name());
        metrics.put("quantizer", config.quantizer().type());
        metrics.put("tokens", model.tokensPerImage());
        metrics.putAll(r.metrics());
        metrics.put("eval_seconds", seconds);
        metrics.put("device", injector.getInstance(Device.class).toString());
        CodeUsagePlot.write(
                dir.samples().resolve("code-usage.png"),
                r.usage(),
                config.quantizer().type() + " K=" + config.quantizer().codebookSize() + " on "
                        + metrics.get("utilization_split"));
        dir.updateMetrics(metrics);
        return metrics;
    }

    private static ImageDataset evalSplit(Injector injector) {
        return injector.getInstance(Key.get(ImageDataset.class, Names.named("eval")));
    }

    /** The split utilization is counted on when it is not the reconstruction split, else null. */
    private static ImageDataset usageSplit(Injector injector) {
        ExperimentConfig config = injector.getInstance(ExperimentConfig.class);
        EvalConfig eval = config.eval();
        if (eval.usageSplit().equals(eval.split())) {
            return null;
        }
        ImageDataset split = eval.usageSplit().equals("train")
                ? injector.getInstance(Key.get(ImageDataset.class, Names.named("train")))
                : Datasets.open(config.data(), Split.TEST, config.run().seed());
        return eval.limit() > 0 ? Datasets.limit(split, eval.limit()) : split;
    }

    static String summary(Map<String, Object> m) {
        // several codes per position: usage is over G K pooled codes, shown as K x G levels
        Object g = m.get("codes_per_position");
        String k = g == null
                ? String.valueOf(m.get("codebook_size"))
                : ((Number) m.get("codebook_size")).intValue() / ((Number) g).intValue() + " x " + g + " levels";
        return String.format(
                Locale.ROOT,
                "%s K=%s  utilization %.4f  perplexity %.1f  dead %s  rfid %s  psnr %.2f dB  ssim %.4f  lpips %s  rec_l1 %.4f  (%s, %s images)",
                m.get("quantizer"),
                k,
                (Double) m.get("utilization"),
                (Double) m.get("perplexity"),
                m.get("dead_codes"),
                format(m.get("rfid"), "%.3f"),
                (Double) m.get("psnr"),
                (Double) m.get("ssim"),
                format(m.get("lpips"), "%.4f"),
                (Double) m.get("rec_l1"),
                m.get("eval_split"),
                m.get("eval_images"));
    }

    private static String format(Object value, String pattern) {
        return value == null ? "n/a" : String.format(Locale.ROOT, pattern, value);
    }
}
