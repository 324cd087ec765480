/**
 * VQGAN-EMA (VQ-VAE-2 / taming-transformers): a codebook that follows exponential moving averages
 * of the vectors assigned to it instead of being trained by gradient; only the commitment loss
 * reaches the encoder.
 */
package io.github.vqlc.quantizers.ema;
