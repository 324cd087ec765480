package io.github.vqlc.quantizers.lfq;

import ai.djl.ndarray.NDArray;
import io.github.vqlc.quantizers.common.BinaryCodeEntropy;
import io.github.vqlc.quantizers.common.SignQuantizer;

/**
 * Lookup-free quantization (MAGVIT-v2, "Language Model Beats Diffusion: Tokenizer is Key to Visual
 * Generation", Yu et al. 2024): every latent dimension becomes one bit, code = sign(z) in {-1, 1}^d,
 * K = 2^d with no codebook table. The entropy term is the exact joint one over all 2^d codes
 * (chunked, never a (tokens x 2^d) table beyond the budget) unless {@code entropy-group-bits} splits
 * it.
 */
public final class LookupFreeQuantizer extends SignQuantizer {

    public LookupFreeQuantizer(int bits, Options options, BinaryCodeEntropy entropy) {
        super(bits, options, entropy);
    }

    @Override
    public String type() {
        return "lfq";
    }

    @Override
    protected NDArray prepare(NDArray z) {
        return z;
    }

    @Override
    protected float scale() {
        return 1f;
    }
}
