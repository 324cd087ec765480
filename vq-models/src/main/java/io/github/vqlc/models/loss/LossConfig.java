package io.github.vqlc.models.loss;

import com.typesafe.config.Config;
import io.github.vqlc.core.config.Values;

/**
 * The {@code loss} section: the perceptual and adversarial terms of the VQGAN generator loss
 * (reconstruction and quantizer weights stay in {@code train}).
 *
 * @param perceptual the perceptual term
 * @param gan the adversarial term and its adaptive weight
 */
public record LossConfig(Perceptual perceptual, Gan gan) {

    /**
     * @param type {@code none}, {@code lpips-torchscript} (a user-exported LPIPS) or {@code feature-net}
     *     (the in-project feature network)
     * @param weight weight of the term in the generator loss
     * @param path the TorchScript file, or the feature network's directory (empty: its default)
     */
    public record Perceptual(String type, double weight, String path) {
        public boolean enabled() {
            return !type.equals("none") && weight > 0;
        }
    }

    /**
     * @param startStep first step with a discriminator update and a GAN term (taming's disc_start)
     * @param weight GAN weight (0.1 in the paper), multiplied by the adaptive weight
     * @param loss {@code hinge} or {@code non-saturating}
     * @param adaptiveWeight scale the GAN term by ||grad rec|| / (||grad gan|| + 1e-4) at the
     *     decoder's last layer (otherwise by 1)
     * @param maxAdaptiveWeight clamp of the adaptive weight (1e4 in taming)
     */
    public record Gan(int startStep, double weight, String loss, boolean adaptiveWeight, double maxAdaptiveWeight) {
        public boolean enabled() {
            return weight > 0;
        }

        /** Whether step (1-based) trains the discriminator and adds the GAN term. */
        public boolean activeAt(int step) {
            return enabled() && step >= startStep;
        }
    }

    /** Reads the {@code loss} section (declared in vq-models' reference.conf). */
    public static LossConfig from(Config c) {
        Values p = new Values(c.getConfig("perceptual"), "loss.perceptual");
        Values g = new Values(c.getConfig("gan"), "loss.gan");
        return new LossConfig(
                new Perceptual(
                        p.oneOf("type", "none", "lpips-torchscript", "feature-net"),
                        p.doubleIn("weight", 0, 1e6),
                        p.string("path")),
                new Gan(
                        g.intAtLeast("start-step", 1),
                        g.doubleIn("weight", 0, 1e6),
                        g.oneOf("loss", "hinge", "non-saturating"),
                        g.bool("adaptive-weight"),
                        g.doubleIn("max-adaptive-weight", 0, 1e12)));
    }
}
