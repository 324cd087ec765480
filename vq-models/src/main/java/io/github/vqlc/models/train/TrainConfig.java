package io.github.vqlc.models.train;

import com.typesafe.config.Config;
import io.github.vqlc.core.config.Values;
import java.util.List;

/**
 * The {@code train} section.
 *
 * @param warmupSteps linear learning-rate warm-up, then half-cycle cosine from {@code lr} to {@code minLr}
 * @param adamEps Adam's epsilon (generator and discriminator)
 * @param recLoss {@code l1} or {@code l2} reconstruction loss
 * @param quantizerWeight weight of the quantizer's loss terms in the generator loss
 * @param logEvery steps between log.jsonl lines (and NaN checks)
 * @param sampleEvery steps between reconstruction grids (0 = only at the end)
 * @param checkpointEvery steps between checkpoints (the last step is always saved)
 * @param keepCheckpoints how many of the newest checkpoints to keep
 * @param evalEvery steps between held-out evaluations (utilization, PSNR) logged to log.jsonl (0 = off)
 * @param evalLimit images of the held-out slice used by periodic evaluation
 * @param accumulateSteps micro-batches of {@code batchSize} whose gradients make one update
 * @param emaDecay decay of an exponential moving average of the generator's weights, used for
 *     samples and evaluation (0 = off)
 * @param devices data parallel replicas, one per entry ({@code cpu}, {@code gpu}, {@code gpu1}, ...;
 *     a device may repeat), or {@code [auto]} for every visible GPU; empty: one replica on
 *     {@code run.device}
 * @param precision {@code fp32} (bf16 is declared but refused until implemented on GPUs)
 */
public record TrainConfig(
        int steps,
        int batchSize,
        double lr,
        double minLr,
        int warmupSteps,
        double beta1,
        double beta2,
        double adamEps,
        String recLoss,
        double quantizerWeight,
        int logEvery,
        int sampleEvery,
        int checkpointEvery,
        int keepCheckpoints,
        int evalEvery,
        int evalLimit,
        int accumulateSteps,
        double emaDecay,
        List<String> devices,
        String precision) {

    /** The value of {@code train.devices} that means every visible GPU. */
    public static final String AUTO = "auto";

    /** Reads the {@code train} section (declared in vq-models' reference.conf). */
    public static TrainConfig from(Config c) {
        Values v = new Values(c, "train");
        return new TrainConfig(
                v.intAtLeast("steps", 1),
                v.intAtLeast("batch-size", 1),
                v.positive("lr"),
                v.doubleIn("min-lr", 0, 1),
                v.intAtLeast("warmup-steps", 0),
                v.doubleIn("beta1", 0, 0.999999),
                v.doubleIn("beta2", 0, 0.999999),
                v.doubleIn("adam-eps", 1e-30, 1),
                v.oneOf("rec-loss", "l1", "l2"),
                v.doubleIn("quantizer-weight", 0, 1e6),
                v.intAtLeast("log-every", 1),
                v.intAtLeast("sample-every", 0),
                v.intAtLeast("checkpoint-every", 1),
                v.intAtLeast("keep-checkpoints", 1),
                v.intAtLeast("eval-every", 0),
                v.intAtLeast("eval-limit", 1),
                v.intAtLeast("accumulate-steps", 1),
                v.doubleIn("ema-decay", 0, 0.999999),
                v.stringOrList("devices"),
                v.oneOf("precision", "fp32", "bf16"));
    }
}
