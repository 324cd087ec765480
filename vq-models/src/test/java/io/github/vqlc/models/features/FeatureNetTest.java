package io.github.vqlc.models.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.ConfigFactory;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.BatchLoader;
import io.github.vqlc.core.data.SyntheticDataset;
import io.github.vqlc.core.spi.FeatureExtractor;
import io.github.vqlc.core.spi.FeatureExtractorContext;
import io.github.vqlc.core.testing.FeatureExtractorContractTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny feature network trained for a few steps on synthetic 16x16 images, saved and read back as an extractor. */
class FeatureNetTest {

    @TempDir
    static Path dir;

    static final SyntheticDataset TRAIN = new SyntheticDataset(256, 4, 1, 16, 1);
    static final SyntheticDataset TEST = new SyntheticDataset(64, 4, 1, 16, 2);
    static double accuracy;

    @BeforeAll
    static void trainAndSave() {
        FeatureNetConfig config = new FeatureNetConfig(dir, 2, 1, 30, 32, 1e-2, 0, 0, 10, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            FeatureNetTrainer.Result r = new FeatureNetTrainer(config, m, 3).train(TRAIN, TEST);
            accuracy = r.testAccuracy();
            JsonObject extra = new JsonObject();
            extra.addProperty("test_accuracy", accuracy);
            FeatureNetFiles.save(dir, r.net(), extra);
        }
    }

    private static FeatureExtractor open(NDManager m, String path, int channels, int size) {
        var section = ConfigFactory.parseString("path = \"" + path + "\"")
                .withFallback(ConfigFactory.defaultReference().getConfig("extractor-types.feature-net"));
        return new FeatureNetExtractorFactory()
                .create(
                        section,
                        new FeatureExtractorContext(
                                channels, size, Device.cpu(), m, Path.of("."), 0, "eval.fid.extractor"));
    }

    @Test
    void trainingLearnsTheSyntheticClassesAndRecordsTheArchitecture() throws Exception {
        assertThat(accuracy).isGreaterThan(0.5); // 4 classes: chance is 0.25
        JsonObject d = JsonParser.parseString(Files.readString(dir.resolve(FeatureNetFiles.DESCRIPTION)))
                .getAsJsonObject();
        assertThat(d.get("width").getAsInt()).isEqualTo(2);
        assertThat(d.get("image_size").getAsInt()).isEqualTo(16);
        assertThat(d.get("patch_dim").getAsInt()).isEqualTo(8);
        assertThat(d.get("global_dim").getAsInt()).isEqualTo(16);
        assertThat(d.get("test_accuracy").getAsDouble()).isEqualTo(accuracy);
        assertThat(d.get("params_sha256").getAsString()).hasSize(64);
    }

    @Test
    void aDeeperNetworkKeepsItsDepthThroughSaveAndLoad(@TempDir Path deep) {
        FeatureNetConfig config = new FeatureNetConfig(deep, 2, 2, 5, 32, 1e-2, 0, 0, 10, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            FeatureNetTrainer.Result r = new FeatureNetTrainer(config, m, 4).train(TRAIN, TEST);
            int shallow = new FeatureNet(new FeatureNet.Architecture(1, 16, 2, 4))
                    .getChildren()
                    .size();
            assertThat(r.net().architecture().depth()).isEqualTo(2);
            FeatureNetFiles.save(deep, r.net(), new JsonObject());
            FeatureNetFiles.Loaded loaded = FeatureNetFiles.load(deep, m);
            assertThat(loaded.net().architecture().depth()).isEqualTo(2);
            assertThat(loaded.net().getParameters().size())
                    .as("four more conv3 stages than depth 1")
                    .isGreaterThan(new FeatureNet(new FeatureNet.Architecture(1, 16, 2, 4))
                            .getParameters()
                            .size());
        }
        try (NDManager m = NDManager.newBaseManager();
                FeatureExtractor e = open(m, deep.toString(), 1, 16)) {
            assertThat(e.describe()).contains("width 2, depth 2");
        }
    }

    @Test
    void extractorGivesPatchMapsAtAQuarterAndPenultimateVectorsAndMatchesTheTrainedNet() {
        try (NDManager m = NDManager.newBaseManager();
                FeatureExtractor e = open(m, dir.toString(), 1, 16)) {
            assertThat(e.hasPatchFeatures()).isTrue();
            assertThat(e.hasGlobalFeatures()).isTrue();
            assertThat(e.patchDim()).isEqualTo(8);
            assertThat(e.globalDim()).isEqualTo(16);
            NDArray images = BatchLoader.builder(TEST)
                    .setBatchSize(5)
                    .build()
                    .load(m, new int[] {0, 1, 2, 3, 4})
                    .images();
            NDArray patches = e.patchFeatures(images);
            assertThat(patches.getShape()).isEqualTo(new Shape(5, 8, 4, 4));
            NDArray global = e.globalFeatures(images);
            assertThat(global.getShape()).isEqualTo(new Shape(5, 16));
            assertThat(global.toFloatArray()).doesNotContain(Float.NaN);
            // inference mode is deterministic, and the reloaded net reproduces the accuracy measured after training
            assertThat(e.patchFeatures(images).toFloatArray()).containsExactly(patches.toFloatArray());
            FeatureNetFiles.Loaded loaded = FeatureNetFiles.load(dir, m);
            assertThat(FeatureNetTrainer.accuracy(loaded.net(), TEST, m, 16)).isEqualTo(accuracy);
            assertThat(e.fingerprint()).hasSize(64);
            assertThat(e.describe()).contains("feature-net").contains("width 2");
        }
    }

    @Test
    void imagesOfAnotherSizeOrChannelCountAreRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> open(m, dir.toString(), 1, 32))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("trained on 1x16x16 images")
                    .hasMessageContaining("eval.fid.extractor is used on 1x32x32")
                    .hasMessageNotContaining("\n");
            assertThatThrownBy(() -> open(m, dir.toString(), 3, 16))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("3x16x16");
            try (FeatureExtractor e = open(m, dir.toString(), 1, 16)) {
                assertThatThrownBy(() -> e.patchFeatures(m.zeros(new Shape(2, 1, 32, 32))))
                        .isInstanceOf(UserException.class)
                        .hasMessageContaining("(B, 1, 16, 16)");
            }
        }
    }

    @Test
    void aMissingNetworkSaysInOneLineHowToTrainOne() {
        Path missing = dir.resolve("nothing-here");
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> open(m, missing.toString(), 1, 16))
                    .isInstanceOf(UserException.class)
                    .hasMessage("no trained feature network at " + missing
                            + "; train one with: bin/vqlc features train -c configs/fashion-mnist/feature-net.conf"
                            + " -o features.dir=" + missing);
        }
    }

    @Test
    void theHintNamesTheConfigThatTrainsTheConventionalDirectories() {
        assertThat(FeatureNetFiles.trainHint(Path.of("runs", "eval-net")))
                .isEqualTo("bin/vqlc features train -c configs/fashion-mnist/eval-net.conf");
        assertThat(FeatureNetFiles.trainHint(Path.of("runs", "feature-net")))
                .isEqualTo("bin/vqlc features train -c configs/fashion-mnist/feature-net.conf");
    }

    @Test
    void parametersThatDoNotMatchTheDescriptionAreRefused() throws Exception {
        Path copy = dir.resolve("tampered");
        Files.createDirectories(copy);
        Files.copy(dir.resolve(FeatureNetFiles.DESCRIPTION), copy.resolve(FeatureNetFiles.DESCRIPTION));
        byte[] params = Files.readAllBytes(dir.resolve(FeatureNetFiles.PARAMS));
        params[params.length - 1] ^= 1;
        Files.write(copy.resolve(FeatureNetFiles.PARAMS), params);
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> FeatureNetFiles.load(copy, m))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("inconsistent")
                    .hasMessageContaining("train it again");
        }
    }

    @Test
    void crossEntropyMatchesHandComputation() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {0, 0, (float) Math.log(2), 0}, new Shape(2, 2));
            NDArray labels = m.create(new long[] {1, 0});
            // row 0: -log(1/2); row 1: -log(2/3)
            double expected = (Math.log(2) - Math.log(2.0 / 3)) / 2;
            assertThat((double)
                            FeatureNetTrainer.crossEntropy(logits, labels, 2).getFloat())
                    .isCloseTo(expected, Assertions.within(1e-6));
        }
    }

    /** The extractor contract, on the network trained above (every instance reads the same saved file). */
    @Nested
    class Contract extends FeatureExtractorContractTest {
        @Override
        protected FeatureExtractor create(NDManager m) {
            return open(m, dir.toString(), 1, 16);
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
