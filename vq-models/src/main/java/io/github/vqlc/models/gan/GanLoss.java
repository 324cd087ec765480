package io.github.vqlc.models.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.github.vqlc.core.ops.Scalars;

/**
 * The two adversarial objectives of taming-transformers, on patch logits of any shape.
 * Hinge: D minimizes 0.5 (mean relu(1 - D(x)) + mean relu(1 + D(G))), G minimizes -mean D(G).
 * Non-saturating: D minimizes 0.5 (mean softplus(-D(x)) + mean softplus(D(G))), G minimizes
 * mean softplus(-D(G)).
 */
public enum GanLoss {
    HINGE,
    NON_SATURATING;

    /** {@code hinge} or {@code non-saturating}, as {@code loss.gan.loss} names them. */
    public static GanLoss named(String name) {
        return name.equals("hinge") ? HINGE : NON_SATURATING;
    }

    /** The discriminator's loss (a scalar) from its logits on real and on generated images. */
    public NDArray discriminator(NDArray realLogits, NDArray fakeLogits) {
        NDArray real;
        NDArray fake;
        if (this == HINGE) {
            real = Activation.relu(Scalars.add(realLogits.neg(), 1f)).mean();
            fake = Activation.relu(Scalars.add(fakeLogits, 1f)).mean();
        } else {
            real = Activation.softPlus(realLogits.neg()).mean();
            fake = Activation.softPlus(fakeLogits).mean();
        }
        return Scalars.mul(real.add(fake), 0.5f);
    }

    /** The generator's loss (a scalar) from the discriminator's logits on generated images. */
    public NDArray generator(NDArray fakeLogits) {
        return this == HINGE
                ? fakeLogits.mean().neg()
                : Activation.softPlus(fakeLogits.neg()).mean();
    }
}
