package io.github.vqlc.eval.reconstruction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.DataConfig;
import io.github.vqlc.core.data.Datasets;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.data.SyntheticDataset;
import io.github.vqlc.core.spi.ExtractorConfig;
import io.github.vqlc.core.spi.FeatureExtractorFactory;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.eval.EvalConfig;
import io.github.vqlc.eval.testing.RandomConvExtractorFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluation passes with a hand-made tokenizer: usage counts, no decoding for utilization, rFID and its cache. */
class TokenizerEvaluatorTest {

    @TempDir
    Path tmp;

    private NDManager manager;

    private static final DataConfig DATA = new DataConfig("synthetic", null, 16, 1, false, 0);

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /**
     * Image i of a pass gets code (i mod 3) in all of its 2x2 tokens; decoding returns the quantized
     * input with its contrast reduced by {@code noise} (the "quantized" latents are the images themselves).
     */
    static final class HandMadeTokenizer implements Tokenizer {
        int seen;
        int decodes;
        final float noise;

        HandMadeTokenizer(float noise) {
            this.noise = noise;
        }

        @Override
        public QuantizerOutput encode(ParameterStore ps, NDArray images) {
            int b = (int) images.getShape().get(0);
            long[] idx = new long[b * 4];
            for (int i = 0; i < b; i++) {
                Arrays.fill(idx, i * 4, i * 4 + 4, (seen + i) % 3);
            }
            seen += b;
            return new QuantizerOutput(images, images.getManager().create(idx, new Shape(b, 2, 2)), Map.of());
        }

        @Override
        public NDArray decode(ParameterStore ps, NDArray quantized) {
            decodes++;
            return noise == 0 ? quantized : quantized.mul(1 - noise);
        }

        @Override
        public int codebookSize() {
            return 8;
        }
    }

    private EvalConfig config(String extractorType, String extractorPath, String utilizationSplit) {
        var section = ConfigFactory.parseString("type = \"" + extractorType + "\"\npath = \"" + extractorPath + "\"");
        return new EvalConfig(
                "test", 0, 7, utilizationSplit, "rgb", tmp.resolve("cache"), fid(extractorType, section), null);
    }

    private TokenizerEvaluator open(EvalConfig c) {
        return TokenizerEvaluator.open(c, DATA, 0, Device.cpu(), manager, FeatureExtractorFactory.discover(), tmp);
    }

    @Test
    void utilizationFromHandMadeIndicesAndTheUtilizationPassNeverDecodes() {
        ImageDataset recon = new SyntheticDataset(30, 4, 1, 16, 1);
        ImageDataset other = new SyntheticDataset(20, 4, 1, 16, 2);
        try (TokenizerEvaluator ev = open(config("none", "", "train"))) {
            HandMadeTokenizer t = new HandMadeTokenizer(0);
            Map<String, Object> m = ev.evaluate(t, manager, recon, other, TokenizerEvaluator.Listener.NONE)
                    .metrics();
            // 20 images of the utilization split: codes 0,1,2 on 7,7,6 images
            assertThat(m.get("utilization_split")).isEqualTo("train");
            assertThat(m.get("utilization_images")).isEqualTo(20);
            assertThat(m.get("utilization")).isEqualTo(3 / 8.0);
            assertThat(m.get("used_codes")).isEqualTo(3);
            assertThat(m.get("dead_codes")).isEqualTo(5);
            double p0 = 7 / 20.0;
            double p2 = 6 / 20.0;
            double entropy = -(2 * p0 * Math.log(p0) + p2 * Math.log(p2));
            assertThat((Double) m.get("perplexity")).isCloseTo(Math.exp(entropy), within(1e-12));
            // 30 reconstructed images in batches of 7: 5 decoder calls, none for the 3 utilization batches
            assertThat(t.decodes).isEqualTo(5);
            assertThat(t.seen).isEqualTo(50);
            assertThat(m.get("eval_images")).isEqualTo(30);
            // perfect reconstructions: capped PSNR, SSIM 1, no rFID without an extractor, no LPIPS
            assertThat(m.get("psnr")).isEqualTo(100.0);
            assertThat((Double) m.get("ssim")).isCloseTo(1.0, within(1e-9));
            assertThat(m)
                    .containsEntry("rfid", null)
                    .containsEntry("fid_extractor", null)
                    .containsEntry("lpips", null);
        }
    }

    @Test
    void rfidIsZeroForPerfectReconstructionsAndPositiveForNoisyOnes() {
        ImageDataset split = new SyntheticDataset(40, 4, 1, 16, 3);
        try (TokenizerEvaluator ev = open(config(RandomConvExtractorFactory.TYPE, "", "same"))) {
            Map<String, Object> perfect = ev.evaluate(
                            new HandMadeTokenizer(0), manager, split, null, TokenizerEvaluator.Listener.NONE)
                    .metrics();
            assertThat((Double) perfect.get("rfid")).isBetween(-1e-6, 1e-6);
            assertThat(perfect.get("utilization")).isEqualTo(3 / 8.0);
            assertThat(perfect.get("fid_extractor")).isEqualTo("random-conv-test (path none)");
            Map<String, Object> noisy = ev.evaluate(
                            new HandMadeTokenizer(0.3f), manager, split, null, TokenizerEvaluator.Listener.NONE)
                    .metrics();
            assertThat((Double) noisy.get("rfid")).isGreaterThan(1e-3);
            assertThat((Double) noisy.get("psnr")).isLessThan(30.0);
            assertThat((Double) noisy.get("ssim")).isLessThan(0.99);
        }
    }

    @Test
    void referenceStatisticsAreReusedUntilTheExtractorFileChanges() throws Exception {
        ImageDataset split = new SyntheticDataset(35, 4, 1, 16, 4); // 5 batches of 7
        Path weights = tmp.resolve("extractor.bin");
        Files.write(weights, new byte[] {1, 2, 3});
        EvalConfig c = config(RandomConvExtractorFactory.TYPE, "extractor.bin", "same");

        Map<String, Object> first = runCounting(c, split, 10); // originals + reconstructions
        assertThat(first.get("rfid_reference")).isEqualTo("computed");
        Map<String, Object> second = runCounting(c, split, 5); // reconstructions only
        assertThat(second.get("rfid_reference")).isEqualTo("cached");
        assertThat(second.get("rfid")).isEqualTo(first.get("rfid"));
        try (var files = Files.list(tmp.resolve("cache"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".stats")).count())
                    .isEqualTo(1);
        }

        Files.write(weights, new byte[] {1, 2, 4}); // "retrained" extractor: new fingerprint, new key
        Map<String, Object> third = runCounting(c, split, 10);
        assertThat(third.get("rfid_reference")).isEqualTo("computed");
        assertThat(third.get("rfid")).isNotEqualTo(first.get("rfid"));
        try (var files = Files.list(tmp.resolve("cache"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".stats")).count())
                    .isEqualTo(2);
        }
        // a smaller split is another key as well
        Map<String, Object> limited = runCounting(c, Datasets.limit(split, 28), 8);
        assertThat(limited.get("rfid_reference")).isEqualTo("computed");
    }

    private Map<String, Object> runCounting(EvalConfig c, ImageDataset split, int expectedCalls) {
        try (TokenizerEvaluator ev = open(c)) {
            int before = RandomConvExtractorFactory.CALLS.get();
            Map<String, Object> m = ev.evaluate(
                            new HandMadeTokenizer(0.2f), manager, split, null, TokenizerEvaluator.Listener.NONE)
                    .metrics();
            assertThat(RandomConvExtractorFactory.CALLS.get() - before)
                    .as("extractor calls")
                    .isEqualTo(expectedCalls);
            return m;
        }
    }

    @Test
    void userErrorsComeBeforeAnyWork() {
        try (TokenizerEvaluator ev = open(config(RandomConvExtractorFactory.TYPE, "", "same"))) {
            HandMadeTokenizer t = new HandMadeTokenizer(0);
            assertThatThrownBy(() -> ev.evaluate(
                            t, manager, new SyntheticDataset(15, 4, 1, 16, 5), null, TokenizerEvaluator.Listener.NONE))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("15 images < 16 dimensions");
            assertThat(t.seen).isZero();
        }
        assertThatThrownBy(() -> open(config(RandomConvExtractorFactory.TYPE, "missing.bin", "same")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("eval.fid.extractor")
                .hasMessageContaining("missing.bin")
                .hasMessageContaining("eval.fid.extractor.type = none");
        assertThatThrownBy(() -> open(config("no-such-type", "", "same")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("unknown feature extractor type 'no-such-type'");
    }

    /** The FID extractor section, or null for type none. */
    private static ExtractorConfig fid(String type, Config section) {
        return type.equals(EvalConfig.NO_EXTRACTOR) ? null : new ExtractorConfig("eval.fid.extractor", type, section);
    }
}
