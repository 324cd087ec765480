package io.github.vqlc.quantizers.bsq;

import ai.djl.ndarray.NDArray;
import io.github.vqlc.quantizers.common.BinaryCodeEntropy;
import io.github.vqlc.quantizers.common.SignQuantizer;

/**
 * Binary spherical quantization ("Image and Video Tokenization with Binary Spherical Quantization",
 * Zhao et al. 2024): the latent is l2-normalized to u, code = sign(u) / sqrt(d), so inputs and codes
 * both lie on the unit sphere and the quantization error is bounded. K = 2^d; the codebook entropy
 * is factorized over groups of {@code entropy-group-bits} bits.
 */
public final class BinarySphericalQuantizer extends SignQuantizer {

    private final float scale;

    public BinarySphericalQuantizer(int bits, Options options, BinaryCodeEntropy entropy) {
        super(bits, options, entropy);
        this.scale = (float) (1 / Math.sqrt(bits));
    }

    @Override
    public String type() {
        return "bsq";
    }

    @Override
    protected NDArray prepare(NDArray z) {
        // z / max(||z||, 1e-12) over the channel axis
        NDArray norm = z.square().sum(new int[] {1}, true).sqrt().clip(1e-12f, Float.MAX_VALUE);
        return z.div(norm);
    }

    @Override
    protected float scale() {
        return scale;
    }
}
