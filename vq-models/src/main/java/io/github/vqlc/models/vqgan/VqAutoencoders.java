package io.github.vqlc.models.vqgan;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.config.ExperimentConfig;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerRegistry;
import java.nio.file.Path;

/** Builds the model an experiment config describes; shared by training, evaluation and feature extraction. */
public final class VqAutoencoders {

    private VqAutoencoders() {}

    /** The configured quantizer; relative paths in its section resolve against the working directory. */
    public static Quantizer quantizer(ExperimentConfig config, QuantizerRegistry registry) {
        var context = new QuantizerContext(
                config.model().embedDim(), config.run().seed(), Path.of("").toAbsolutePath());
        return registry.get(config.quantizer().type()).create(config.quantizer().section(), context);
    }

    /** The autoencoder with freshly initialized parameters in {@code manager}, seeded by {@code run.seed}. */
    public static VqAutoencoder create(ExperimentConfig config, Quantizer quantizer, NDManager manager) {
        var data = config.data();
        VqAutoencoder model = new VqAutoencoder(config.model(), data.imageSize(), data.channels(), quantizer);
        Engine.getInstance().setRandomSeed((int) config.run().seed());
        model.initialize(manager, DataType.FLOAT32, new Shape(1, data.channels(), data.imageSize(), data.imageSize()));
        return model;
    }
}
