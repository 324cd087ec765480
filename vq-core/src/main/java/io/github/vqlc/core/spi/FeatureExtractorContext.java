package io.github.vqlc.core.spi;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;

/**
 * What the framework tells a {@link FeatureExtractorFactory} besides its config section.
 *
 * @param imageChannels channels C of the images the extractor will receive
 * @param imageSize height = width of those images
 * @param device where the extractor's networks run
 * @param manager parent manager for the extractor's own arrays and models (closed by the caller)
 * @param baseDir directory relative paths in the section resolve against
 * @param seed for extractors with random parts
 * @param section config path of the section being read (e.g. {@code codebook.extractor}), so that
 *     messages name keys as the user wrote them
 */
public record FeatureExtractorContext(
        int imageChannels, int imageSize, Device device, NDManager manager, Path baseDir, long seed, String section) {
    public FeatureExtractorContext {
        if (imageChannels < 1 || imageSize < 1) {
            throw new IllegalArgumentException(
                    "image channels and size must be >= 1, got " + imageChannels + ", " + imageSize);
        }
    }

    /** A context whose section is the generic name {@code extractor}. */
    public FeatureExtractorContext(
            int imageChannels, int imageSize, Device device, NDManager manager, Path baseDir, long seed) {
        this(imageChannels, imageSize, device, manager, baseDir, seed, "extractor");
    }

    /** This context for the section at {@code path}. */
    public FeatureExtractorContext withSection(String path) {
        return new FeatureExtractorContext(imageChannels, imageSize, device, manager, baseDir, seed, path);
    }

    /** {@code p} resolved against {@link #baseDir} unless absolute. */
    public Path resolve(String p) {
        return baseDir.resolve(p).normalize();
    }
}
