package io.github.vqlc.core.spi;

import java.nio.file.Path;

/**
 * What the framework tells a factory besides its config section.
 *
 * @param embeddingDim width D of the latent vectors the model feeds the quantizer
 * @param seed run seed, for deterministic initialization
 * @param baseDir directory relative paths in the config (e.g. a codebook file) resolve against
 */
public record QuantizerContext(int embeddingDim, long seed, Path baseDir) {
    public QuantizerContext {
        if (embeddingDim < 1) {
            throw new IllegalArgumentException("embeddingDim must be >= 1, got " + embeddingDim);
        }
    }
}
