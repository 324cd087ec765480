package io.github.vqlc.eval.reconstruction;

import io.github.vqlc.core.stats.CodeUsage;
import io.github.vqlc.core.stats.JointCodes;
import io.github.vqlc.eval.fid.FeatureStatistics;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Metrics of one pass over a split. Reconstruction metrics are NaN (or null) when the pass only
 * encoded, or when the metric was not requested.
 *
 * @param images images evaluated
 * @param usage code counts; for a quantizer with G codes per position over G K pooled codes
 * @param joint distinct code tuples when G > 1, else null
 * @param psnr mean per-image PSNR in dB (capped at 100 for perfect images)
 * @param recL1 mean absolute error on the [-1, 1] scale
 * @param ssim mean per-image SSIM, NaN when not computed
 * @param lpips mean per-image LPIPS, null when not computed
 * @param reconstructionFeatures extractor statistics of the clipped reconstructions, or null
 * @param originalFeatures extractor statistics of the originals (when no cached ones were given), or null
 */
public record EvaluationResult(
        String split,
        int images,
        CodeUsage usage,
        JointCodes joint,
        double psnr,
        double recL1,
        double ssim,
        Double lpips,
        FeatureStatistics reconstructionFeatures,
        FeatureStatistics originalFeatures) {

    /** A pass with code usage, PSNR and L1 only. */
    public EvaluationResult(String split, int images, CodeUsage usage, double psnr, double recL1) {
        this(split, images, usage, null, psnr, recL1, Double.NaN, null, null, null);
    }

    /** The snake_case keys of metrics.json this pass determines (usage keys from {@link #usageMetrics}). */
    public Map<String, Object> toMetrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eval_split", split);
        m.put("eval_images", images);
        m.putAll(usageMetrics(usage, joint));
        m.put("psnr", psnr);
        m.put("rec_l1", recL1);
        return m;
    }

    /**
     * codebook_size, utilization, used_codes, dead_codes, perplexity; with several codes per
     * position (a non-null {@code joint}) these count the G K pooled codes (utilization = the mean
     * over levels), and codes_per_position, utilization_level_0.. and joint_codes (distinct tuples)
     * follow.
     */
    public static Map<String, Object> usageMetrics(CodeUsage usage, JointCodes joint) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("codebook_size", usage.codebookSize());
        m.put("utilization", usage.utilization());
        m.put("used_codes", usage.used());
        m.put("dead_codes", usage.deadCodes());
        m.put("perplexity", usage.perplexity());
        if (joint != null) {
            m.put("codes_per_position", joint.codesPerPosition());
            double[] levels = usage.levelUtilization(joint.codesPerPosition());
            for (int g = 0; g < levels.length; g++) {
                m.put("utilization_level_" + g, levels[g]);
            }
            m.put("joint_codes", joint.distinct());
        }
        return m;
    }
}
