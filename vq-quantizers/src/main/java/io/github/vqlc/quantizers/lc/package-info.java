/**
 * VQGAN-LC: a large, usually frozen codebook (random, sampled features or k-means centres read
 * from a .npy/.safetensors file) mapped into the latent space by a trainable projector. Covers the
 * paper's ablation grid (init, frozen/trainable, projector none/linear/mlp) and SimVQ (random
 * frozen codebook + linear projector).
 */
package io.github.vqlc.quantizers.lc;
