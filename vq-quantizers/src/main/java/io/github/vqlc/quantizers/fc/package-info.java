/**
 * VQGAN-FC (factorized codes, ViT-VQGAN): look-up in a learned low-dimensional, l2-normalized
 * space; the chosen codes are projected back to the model's latent width.
 */
package io.github.vqlc.quantizers.fc;
