package io.github.vqlc.experiments.interop;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.models.train.Checkpoints;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import io.github.vqlc.models.vqgan.VqAutoencoders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small tokenizers for the interop tests: 16 px synthetic images, two levels, attention at 8 px. */
final class TinyTokenizers {

    /** The model keys every interop test shares (a nin_shortcut, a downsampling, attention blocks). */
    static final List<String> MODEL = List.of(
            "data.name=synthetic",
            "data.image-size=16",
            "data.channels=1",
            "model.base-channels=32",
            "model.channel-mult=[1,2]",
            "model.z-channels=8",
            "model.embed-dim=4",
            "model.attn-resolutions=[8]",
            "quantizer.codebook-size=64");

    /** The lc quantizer with a 6-wide random codebook and the given projector. */
    static List<String> lc(String projector) {
        return List.of(
                "quantizer.type=lc",
                "quantizer.codebook.dim=6",
                "quantizer.codebook.init=random",
                "quantizer.projector=" + projector);
    }

    private TinyTokenizers() {}

    static ExperimentConfig config(Path runDir, List<String> quantizer, String... more) {
        List<String> all = new ArrayList<>(MODEL);
        all.addAll(quantizer);
        all.add("run.dir=\"" + runDir + "\"");
        all.addAll(List.of(more));
        return ExperimentConfig.load(null, all);
    }

    static VqAutoencoder model(ExperimentConfig config, NDManager m) {
        return VqAutoencoders.create(
                config.model(),
                config.data(),
                config.run().seed(),
                VqAutoencoders.quantizer(
                        config.quantizer(), config.model(), config.run().seed(), QuantizerFactory.discover()),
                m);
    }

    /** A run directory holding a randomly initialized tokenizer whose every parameter was shifted. */
    static VqAutoencoder writeRun(ExperimentConfig config, NDManager m) throws IOException {
        VqAutoencoder model = model(config, m);
        model.getParameters()
                .values()
                .forEach(p -> p.getArray()
                        .addi(m.randomNormal(p.getArray().getShape()).mul(0.05)));
        Path run = config.run().dir();
        Files.createDirectories(run);
        Files.writeString(run.resolve("config.conf"), config.render());
        new Checkpoints(run.resolve("checkpoints"), 2).save(3, model, null, new JsonObject());
        return model;
    }
}
