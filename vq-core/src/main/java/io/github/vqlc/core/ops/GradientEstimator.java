package io.github.vqlc.core.ops;

import ai.djl.ndarray.NDArray;
import java.util.Locale;

/**
 * How a codebook quantizer's output passes gradient back to the encoder: the forward value is
 * always exactly the chosen codes; the backward map differs ({@code quantizer.gradient}).
 */
public enum GradientEstimator {
    /** Identity (VQ-VAE's straight-through estimator): dL/dz = dL/dz_q. */
    STRAIGHT_THROUGH,
    /**
     * The rotation trick (Fifty et al. 2024, "Restructuring Vector Quantization with the Rotation
     * Trick"): z_q = sg(lambda R) z with R the rotation taking z/|z| to q/|q| and lambda = |q|/|z|,
     * so dL/dz = (lambda R)^T dL/dz_q and the gradient's angle to z follows the code's.
     */
    ROTATION;

    private static final float EPS = 1e-6f;

    /** {@code straight-through} or {@code rotation}, as in config. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The estimator a config value names, or null when none does. */
    public static GradientEstimator fromConfig(String name) {
        for (GradientEstimator g : values()) {
            if (g.configName().equals(name)) {
                return g;
            }
        }
        return null;
    }

    /**
     * The quantizer output for vectors {@code z} (N, D) and their chosen codes {@code codes} (N,
     * D): forward value bit-identical to {@code codes}, gradient to {@code z} as this estimator
     * says; the codes get no gradient through this path (their own loss term trains them).
     */
    public NDArray output(NDArray z, NDArray codes) {
        if (this == STRAIGHT_THROUGH) {
            return Latents.straightThrough(z, codes);
        }
        // R z = z - 2 r (r . z) + 2 q^ (e^ . z) with e^ = z/|z|, q^ = q/|q|, r = (e^ + q^)/|e^ + q^|,
        // all constants (stop-gradient); lambda = |q| / |z|
        NDArray e = z.stopGradient();
        NDArray q = codes.stopGradient();
        NDArray eNorm = e.norm(new int[] {1}, true).maximum(EPS);
        NDArray qNorm = q.norm(new int[] {1}, true).maximum(EPS);
        NDArray eHat = e.div(eNorm);
        NDArray qHat = q.div(qNorm);
        NDArray rSum = eHat.add(qHat);
        NDArray r = rSum.div(rSum.norm(new int[] {1}, true).maximum(EPS));
        NDArray rz = r.mul(z).sum(new int[] {1}, true);
        NDArray ez = eHat.mul(z).sum(new int[] {1}, true);
        NDArray rotated = z.sub(r.mul(rz).mul(2)).add(qHat.mul(ez).mul(2)).mul(qNorm.div(eNorm));
        // forward exactly the codes (lookup reproduces them bit for bit), backward through lambda R
        return q.add(rotated.sub(rotated.stopGradient()));
    }
}
