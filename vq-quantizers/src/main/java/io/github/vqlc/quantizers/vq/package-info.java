/** Vanilla VQ (VQ-VAE / taming VQGAN): a trainable codebook learned by the codebook loss. */
package io.github.vqlc.quantizers.vq;
