package io.github.vqlc.core.spi;

import ai.djl.ndarray.NDArray;

/**
 * A pretrained (or in-project) image feature network: the source of the static codebook of
 * VQGAN-LC (patch features) and of the features Frechet distances compare (global features).
 *
 * <p>Input: images (B, C, H, W) float32 in [-1, 1], the project's convention; an extractor does its
 * own resizing and normalization. Outputs attach to the manager of {@code images}, so a caller's
 * per-step sub-manager frees them. An extractor that lacks one kind of output throws a
 * {@link io.github.vqlc.core.UserException} naming its type when asked for it.
 */
public interface FeatureExtractor extends AutoCloseable {

    /** The type name used in config, e.g. {@code "feature-net"}. */
    String type();

    /** One line of provenance for metrics.json and codebook sidecars (type, file, settings). */
    String describe();

    /**
     * Digest of everything that determines the outputs (type, settings, the weight file's bytes);
     * cached feature statistics are keyed by it.
     */
    String fingerprint();

    boolean hasPatchFeatures();

    boolean hasGlobalFeatures();

    /** Width Dp of {@link #patchFeatures}; meaningful only when {@link #hasPatchFeatures()}. */
    int patchDim();

    /** Width Dg of {@link #globalFeatures}; meaningful only when {@link #hasGlobalFeatures()}. */
    int globalDim();

    /** Patch feature map (B, Dp, h, w). No gradient is recorded. */
    NDArray patchFeatures(NDArray images);

    /** One vector per image (B, Dg). No gradient is recorded. */
    NDArray globalFeatures(NDArray images);

    /** Releases native memory of loaded networks. */
    @Override
    void close();
}
