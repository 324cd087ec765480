package io.github.vqlc.models.vqgan;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.data.DataConfig;
import io.github.vqlc.core.spi.FactoryRegistry;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerConfig;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import java.nio.file.Path;

/** Builds the model a config describes; shared by training, evaluation and feature extraction. */
public final class VqAutoencoders {

    private VqAutoencoders() {}

    /**
     * The configured quantizer for latents of width {@code model.embed-dim}; relative paths in its
     * section resolve against the working directory.
     */
    public static Quantizer quantizer(
            QuantizerConfig quantizer, ModelConfig model, long seed, FactoryRegistry<QuantizerFactory> registry) {
        var context = new QuantizerContext(model.embedDim(), seed, Path.of("").toAbsolutePath());
        return quantizer.create(registry, context);
    }

    /** The autoencoder with freshly initialized parameters in {@code manager}, seeded by {@code seed}. */
    public static VqAutoencoder create(
            ModelConfig model, DataConfig data, long seed, Quantizer quantizer, NDManager manager) {
        VqAutoencoder autoencoder = new VqAutoencoder(model, data.imageSize(), data.channels(), quantizer);
        Engine.getInstance().setRandomSeed((int) seed);
        autoencoder.initialize(
                manager, DataType.FLOAT32, new Shape(1, data.channels(), data.imageSize(), data.imageSize()));
        return autoencoder;
    }
}
