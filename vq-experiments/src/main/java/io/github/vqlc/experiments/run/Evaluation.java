package io.github.vqlc.experiments.run;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.name.Names;
import io.github.vqlc.core.config.ExperimentConfig;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.eval.reconstruction.EvaluationResult;
import io.github.vqlc.eval.reconstruction.ReconstructionEvaluator;
import io.github.vqlc.eval.usage.CodeUsagePlot;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Evaluates the injector's model on the configured split and records metrics.json and the usage plot. */
final class Evaluation {

    private Evaluation() {}

    static Map<String, Object> run(Injector injector, RunDirectory dir, PrintStream out) {
        ExperimentConfig config = injector.getInstance(ExperimentConfig.class);
        VqAutoencoder model = injector.getInstance(VqAutoencoder.class);
        NDManager manager = injector.getInstance(NDManager.class);
        ImageDataset split = injector.getInstance(Key.get(ImageDataset.class, Names.named("eval")));
        long start = System.nanoTime();
        int every = Math.max(1, split.size() / 10);
        int[] nextReport = {every};
        EvaluationResult r = new ReconstructionEvaluator(config.eval().batchSize()).evaluate(model, manager, split,
                config.eval().split(), true, done -> {
                    if (done >= nextReport[0] || done == split.size()) {
                        out.printf(Locale.ROOT, "eval %s: %d/%d images%n", config.eval().split(), done, split.size());
                        nextReport[0] += every;
                    }
                });
        double seconds = (System.nanoTime() - start) / 1e9;
        CodeUsagePlot.write(dir.samples().resolve("code-usage.png"), r.usage(),
                config.quantizer().type() + " K=" + config.quantizer().codebookSize() + " on " + config.eval().split());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("run", config.run().name());
        metrics.put("quantizer", config.quantizer().type());
        metrics.put("tokens", model.tokensPerImage());
        metrics.putAll(r.toMetrics());
        metrics.put("eval_seconds", seconds);
        metrics.put("device", injector.getInstance(Device.class).toString());
        dir.updateMetrics(metrics);
        return metrics;
    }

    static String summary(Map<String, Object> m) {
        return String.format(Locale.ROOT, "%s K=%s  utilization %.4f  perplexity %.1f  dead %s  psnr %.2f dB  rec_l1 %.4f  (%s, %s images)",
                m.get("quantizer"), m.get("codebook_size"), (Double) m.get("utilization"), (Double) m.get("perplexity"),
                m.get("dead_codes"), (Double) m.get("psnr"), (Double) m.get("rec_l1"), m.get("eval_split"), m.get("eval_images"));
    }
}
