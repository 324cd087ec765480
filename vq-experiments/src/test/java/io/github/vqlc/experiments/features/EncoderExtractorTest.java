package io.github.vqlc.experiments.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import com.typesafe.config.ConfigFactory;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.spi.FeatureExtractor;
import io.github.vqlc.core.spi.FeatureExtractorContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.models.train.Checkpoints;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import io.github.vqlc.models.vqgan.VqAutoencoders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncoderExtractorTest {

    @TempDir
    Path dir;

    private static FeatureExtractor open(NDManager m, Path run, int size) {
        var section = ConfigFactory.parseString("path = \"" + run + "\"")
                .withFallback(ConfigFactory.defaultReference().getConfig("extractor-types.encoder"));
        return new EncoderExtractorFactory()
                .create(
                        section,
                        new FeatureExtractorContext(1, size, Device.cpu(), m, Path.of("."), 0, "codebook.extractor"));
    }

    @Test
    void latentsOfTheNewestCheckpointAreThePatchFeatures() throws Exception {
        Path run = dir.resolve("run");
        ExperimentConfig config = ExperimentConfig.load(
                null,
                List.of(
                        "run.dir=\"" + run + "\"",
                        "run.seed=5",
                        "data.name=synthetic",
                        "data.image-size=16",
                        "model.base-channels=8",
                        "model.channel-mult=[1,2]",
                        "model.z-channels=8",
                        "model.embed-dim=4",
                        "quantizer.codebook-size=16"));
        try (NDManager m = NDManager.newBaseManager()) {
            VqAutoencoder trained = VqAutoencoders.create(
                    config.model(),
                    config.data(),
                    config.run().seed(),
                    VqAutoencoders.quantizer(
                            config.quantizer(), config.model(), config.run().seed(), QuantizerFactory.discover()),
                    m);
            // make the checkpoint differ from a fresh initialization with the same seed
            trained.getParameters().values().forEach(p -> p.getArray().addi(0.01f));
            Files.createDirectories(run);
            Files.writeString(run.resolve("config.conf"), config.render());
            new Checkpoints(run.resolve("checkpoints"), 2).save(7, trained, null, new JsonObject());

            NDArray images = m.randomUniform(-1, 1, new Shape(3, 1, 16, 16));
            NDArray expected = trained.latents(new ParameterStore(m, false), images, false);
            try (FeatureExtractor e = open(m, run, 16)) {
                NDArray got = e.patchFeatures(images);
                assertThat(got.getShape()).isEqualTo(new Shape(3, 4, 8, 8));
                assertThat(e.patchDim()).isEqualTo(4);
                assertThat(got.toFloatArray()).containsExactly(expected.toFloatArray());
                assertThat(e.hasGlobalFeatures()).isFalse();
                assertThatThrownBy(() -> e.globalFeatures(images))
                        .isInstanceOf(UserException.class)
                        .hasMessageContaining("no global");
                assertThat(e.describe()).contains("checkpoint step 7");
            }
            assertThatThrownBy(() -> open(m, run, 32))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("1x16x16");
        }
    }

    @Test
    void aDirectoryThatIsNoRunIsAUserError() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> open(m, dir, 16))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("no config.conf");
            var section = ConfigFactory.defaultReference().getConfig("extractor-types.encoder");
            assertThatThrownBy(() -> new EncoderExtractorFactory()
                            .create(
                                    section,
                                    new FeatureExtractorContext(1, 16, Device.cpu(), m, dir, 0, "codebook.extractor")))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("codebook.extractor.path is not set");
        }
    }
}
