/**
 * Building VQGAN-LC's static codebook: features of a split from a configured extractor, pooled to
 * a small grid per image, clustered by k-means (per class or over all) or sampled, written as a
 * {@code .npy} with a {@code .json} sidecar that records how it was made.
 */
package io.github.vqlc.experiments.codebook;
