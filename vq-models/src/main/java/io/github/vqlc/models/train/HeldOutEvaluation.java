package io.github.vqlc.models.train;

import ai.djl.training.ParameterStore;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.util.Map;

/** Periodic evaluation on a held-out slice during training (utilization, PSNR, ...), logged to log.jsonl. */
@FunctionalInterface
public interface HeldOutEvaluation {
    Map<String, Object> evaluate(VqAutoencoder model, ParameterStore parameterStore);
}
