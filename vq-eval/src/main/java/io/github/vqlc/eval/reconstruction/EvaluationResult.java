package io.github.vqlc.eval.reconstruction;

import io.github.vqlc.core.stats.CodeUsage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Metrics of one split.
 *
 * @param images images evaluated
 * @param psnr mean per-image PSNR in dB (capped at 100 for perfect images)
 * @param recL1 mean absolute error on the [-1, 1] scale
 */
public record EvaluationResult(String split, int images, CodeUsage usage, double psnr, double recL1) {

    /** The snake_case keys of metrics.json. */
    public Map<String, Object> toMetrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eval_split", split);
        m.put("eval_images", images);
        m.put("codebook_size", usage.codebookSize());
        m.put("utilization", usage.utilization());
        m.put("used_codes", usage.used());
        m.put("dead_codes", usage.deadCodes());
        m.put("perplexity", usage.perplexity());
        m.put("psnr", psnr);
        m.put("rec_l1", recL1);
        return m;
    }
}
