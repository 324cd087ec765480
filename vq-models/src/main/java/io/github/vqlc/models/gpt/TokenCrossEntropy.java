package io.github.vqlc.models.gpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.github.vqlc.core.ops.Scalars;

/**
 * Next-token cross-entropy over a large vocabulary without one-hot targets: log-softmax over V,
 * then the target's log-probability picked with {@code gather}. With label smoothing eps the loss
 * is (1 - eps) * NLL + eps * mean over V of -log p (the uniform target's cross-entropy).
 *
 * <p>Memory: the logits, their log-softmax and both gradients are each B*T*V*4 bytes (float32),
 * e.g. 8 x 256 x 100,000 x 4 = 0.8 GB per tensor at paper scale: choose the batch accordingly.
 * Chunking over positions would not lower the peak, since autograd keeps every chunk's
 * log-softmax for the backward pass.
 */
public final class TokenCrossEntropy {

    private TokenCrossEntropy() {}

    /**
     * @param logits (B, T, V)
     * @param targets (B, T) int64 in [0, V)
     * @return the mean loss, a scalar
     */
    public static NDArray loss(NDArray logits, NDArray targets, double labelSmoothing) {
        long v = logits.getShape().get(2);
        NDArray logp = logits.reshape(-1, v).logSoftmax(1); // (B*T, V)
        NDArray picked = logp.gather(targets.toType(DataType.INT64, false).reshape(-1, 1), 1); // (B*T, 1)
        NDArray nll = picked.mean().neg();
        if (labelSmoothing <= 0) {
            return nll;
        }
        NDArray uniform = logp.mean().neg();
        return Scalars.mul(nll, (float) (1 - labelSmoothing)).add(Scalars.mul(uniform, (float) labelSmoothing));
    }
}
