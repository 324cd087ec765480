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
 */
public record FeatureExtractorContext(
        int imageChannels, int imageSize, Device device, NDManager manager, Path baseDir, long seed) {
    public FeatureExtractorContext {
        if (imageChannels < 1 || imageSize < 1) {
            throw new IllegalArgumentException(
                    "image channels and size must be >= 1, got " + imageChannels + ", " + imageSize);
        }
    }
}
