/**
 * {@code vqlc analyze}: the passes over a trained tokenizer that feed {@code eval.analysis} (an
 * encoder-only pass over a split, the codes in the latent space, nearest-neighbour searches between
 * codes and latents), the codebook's sidecar when there is one, and the report files.
 */
package io.github.vqlc.experiments.analysis;
