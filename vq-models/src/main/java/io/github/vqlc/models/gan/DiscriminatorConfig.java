package io.github.vqlc.models.gan;

import com.typesafe.config.Config;
import io.github.vqlc.core.config.Values;

/**
 * The {@code discriminator} section: a PatchGAN (Isola et al. 2017) as taming-transformers uses it.
 *
 * @param layers stride-2 4x4 conv layers after the first (the paper's n_layers, 2)
 * @param filters channels of the first layer (64), doubled per layer up to 8x
 * @param norm {@code batch} or {@code none}
 * @param lr learning rate of its own Adam (0 = {@code train.lr}); same warm-up + cosine shape
 */
public record DiscriminatorConfig(int layers, int filters, String norm, double lr) {

    /** The learning rate actually used, given the generator's. */
    public double lrOr(double generatorLr) {
        return lr > 0 ? lr : generatorLr;
    }

    /** Reads the {@code discriminator} section (declared in vq-models' reference.conf). */
    public static DiscriminatorConfig from(Config c) {
        Values v = new Values(c, "discriminator");
        return new DiscriminatorConfig(
                v.intIn("n-layers", 0, 8),
                v.intAtLeast("filters", 1),
                v.oneOf("norm", "batch", "none"),
                v.doubleIn("lr", 0, 1));
    }
}
