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
import io.github.vqlc.core.testing.FeatureExtractorContractTest;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.experiments.tasks.Training;
import io.github.vqlc.models.train.Checkpoints;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import io.github.vqlc.models.vqgan.VqAutoencoders;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
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

    @Test
    void aRunTrainedWithWeightEmaIsSeenWithItsAveragedWeightsAsVqlcEvalSeesIt() throws Exception {
        Path run = dir.resolve("ema-run");
        ExperimentConfig config = ExperimentConfig.load(
                null,
                List.of(
                        "run.dir=\"" + run + "\"",
                        "run.device=cpu",
                        "data.name=synthetic",
                        "data.image-size=16",
                        "data.limit=64",
                        "model.base-channels=8",
                        "model.channel-mult=[1,2]",
                        "model.z-channels=8",
                        "model.embed-dim=4",
                        "quantizer.codebook-size=16",
                        "train.steps=4",
                        "train.batch-size=8",
                        "train.lr=1e-2",
                        "train.checkpoint-every=4",
                        "train.sample-every=0",
                        "train.ema-decay=0.5",
                        "eval.limit=8",
                        "eval.fid.extractor.type=none"));
        new Training(config).run(false, new PrintStream(new ByteArrayOutputStream()));
        try (NDManager m = NDManager.newBaseManager();
                TrainedRun evaluated = TrainedRun.open(run, List.of());
                FeatureExtractor e = open(m, run, 16)) {
            NDArray images = m.randomUniform(-1, 1, new Shape(2, 1, 16, 16));
            float[] asEvalSees = evaluated
                    .model()
                    .latents(new ParameterStore(evaluated.manager(), false), images, false)
                    .toFloatArray();
            assertThat(e.patchFeatures(images).toFloatArray()).containsExactly(asEvalSees);
            assertThat(e.describe()).contains("EMA weights");
            // and they are not the last training weights (model.params alone)
            VqAutoencoder raw = VqAutoencoders.create(
                    config.model(),
                    config.data(),
                    config.run().seed(),
                    VqAutoencoders.quantizer(
                            config.quantizer(), config.model(), config.run().seed(), QuantizerFactory.discover()),
                    m);
            new Checkpoints(run.resolve("checkpoints"), 1).load(evaluated.checkpoint(), raw, null, m);
            float[] lastWeights =
                    raw.latents(new ParameterStore(m, false), images, false).toFloatArray();
            assertThat(lastWeights).isNotEqualTo(asEvalSees);
        }
    }

    /** The extractor contract, on a run written by the test (checkpoint differing from a fresh start). */
    @Nested
    class Contract extends FeatureExtractorContractTest {
        private Path run;

        @BeforeEach
        void writeARun() throws Exception {
            run = dir.resolve("contract-run");
            if (Files.isDirectory(run)) {
                return;
            }
            ExperimentConfig config = ExperimentConfig.load(
                    null,
                    List.of(
                            "run.dir=\"" + run + "\"",
                            "data.name=synthetic",
                            "data.image-size=16",
                            "model.base-channels=8",
                            "model.channel-mult=[1,2]",
                            "model.z-channels=8",
                            "model.embed-dim=4",
                            "quantizer.codebook-size=16"));
            try (NDManager m = NDManager.newBaseManager()) {
                VqAutoencoder model = VqAutoencoders.create(
                        config.model(),
                        config.data(),
                        config.run().seed(),
                        VqAutoencoders.quantizer(
                                config.quantizer(), config.model(), config.run().seed(), QuantizerFactory.discover()),
                        m);
                Files.createDirectories(run);
                Files.writeString(run.resolve("config.conf"), config.render());
                new Checkpoints(run.resolve("checkpoints"), 1).save(1, model, null, new JsonObject());
            }
        }

        @Override
        protected FeatureExtractor create(NDManager m) {
            return open(m, run, 16);
        }

        @Override
        protected int imageChannels() {
            return 1;
        }

        @Override
        protected int imageSize() {
            return 16;
        }
    }
}
