package io.github.vqlc.models.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.typesafe.config.ConfigFactory;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.spi.FeatureExtractor;
import io.github.vqlc.core.spi.FeatureExtractorContext;
import io.github.vqlc.core.testing.FeatureExtractorContractTest;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The extractor against a TorchScript fixture whose outputs PyTorch recorded after the same
 * preprocessing (src/test/resources/torchscript/make_fixture.py).
 */
class TorchScriptExtractorTest {

    static final Path DIR = Path.of("src/test/resources/torchscript");
    static final String FIXTURE = "input-size = 16, mean = [0.5, 0.4, 0.3], std = [0.2, 0.25, 0.3], grid = 4, ";

    private static FeatureExtractor open(NDManager m, String settings) {
        var section = ConfigFactory.parseString(settings)
                .withFallback(ConfigFactory.defaultReference().getConfig("extractor-types.torchscript"));
        return new TorchScriptExtractorFactory()
                .create(section, new FeatureExtractorContext(1, 12, Device.cpu(), m, DIR, 0, "codebook.extractor"));
    }

    private static NDArray npy(NDManager m, String name) throws Exception {
        try (InputStream in = Files.newInputStream(DIR.resolve(name))) {
            return NDList.decode(m, in).singletonOrThrow();
        }
    }

    private static void assertClose(NDArray actual, NDArray expected) {
        assertThat(actual.getShape()).isEqualTo(expected.getShape());
        float[] a = actual.toFloatArray();
        float[] e = expected.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(Math.abs(a[i] - e[i]))
                    .as("element %d: %f vs %f", i, a[i], e[i])
                    .isLessThan(1e-5f);
        }
    }

    @Test
    void tokensWithAClassTokenBecomeASquarePatchMap() throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                FeatureExtractor e =
                        open(m, FIXTURE + "path = tiny.pt, layout = tokens, class-token = true, dim = 24")) {
            assertThat(e.hasPatchFeatures()).isTrue();
            assertThat(e.hasGlobalFeatures()).isFalse();
            assertThat(e.patchDim()).isEqualTo(24);
            NDArray images = npy(m, "input.npy");
            assertClose(e.patchFeatures(images), npy(m, "patch_tokens.npy"));
            assertThatThrownBy(() -> e.globalFeatures(images))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("no global");
        }
    }

    @Test
    void nchwAndVectorOutputsAreSelectedByIndex() throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                FeatureExtractor map = open(m, FIXTURE + "path = tiny.pt, layout = nchw, output-index = 1, dim = 16");
                FeatureExtractor vec =
                        open(m, FIXTURE + "path = tiny.pt, layout = vector, output-index = 2, dim = 32")) {
            NDArray images = npy(m, "input.npy");
            assertClose(map.patchFeatures(images), npy(m, "patch_nchw.npy"));
            assertThat(vec.hasGlobalFeatures()).isTrue();
            assertThat(vec.globalDim()).isEqualTo(32);
            assertClose(vec.globalFeatures(images), npy(m, "global.npy"));
            assertThat(map.fingerprint()).hasSize(64).isNotEqualTo(vec.fingerprint());
        }
    }

    @Test
    void aShapeThatDoesNotMatchTheConfigIsAOneLineErrorNamingBoth() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray images = npy(m, "input.npy");
            try (FeatureExtractor e = open(m, FIXTURE + "path = tiny.pt, layout = tokens, dim = 768")) {
                assertThatThrownBy(() -> e.patchFeatures(images))
                        .isInstanceOf(UserException.class)
                        .hasMessageContaining("(2, 17, 24)")
                        .hasMessageContaining("(B, 1 + 4^2, 768)")
                        .hasMessageNotContaining("\n");
            }
            try (FeatureExtractor e =
                    open(m, FIXTURE + "path = tiny.pt, layout = tokens, class-token = false, dim = 24")) {
                // 17 tokens do not form a square grid without dropping the class token
                assertThatThrownBy(() -> e.patchFeatures(images))
                        .isInstanceOf(UserException.class)
                        .hasMessageContaining("(2, 17, 24)");
            }
            try (FeatureExtractor e =
                    open(m, FIXTURE + "path = tiny.pt, layout = vector, output-index = 0, dim = 24")) {
                assertThatThrownBy(() -> e.globalFeatures(images))
                        .isInstanceOf(UserException.class)
                        .hasMessageContaining("(B, 24)");
            }
            try (FeatureExtractor e = open(m, FIXTURE + "path = tiny.pt, layout = nchw, output-index = 5, dim = 16")) {
                assertThatThrownBy(() -> e.patchFeatures(images))
                        .isInstanceOf(UserException.class)
                        .hasMessageContaining("returns 3 output(s) but output-index is 5");
            }
        }
    }

    @Test
    void missingFileAndMissingDimAreUserErrors() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> open(m, FIXTURE + "path = nope.pt, dim = 24"))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("TorchScript file not found")
                    .hasMessageContaining("codebook.extractor.path")
                    .hasMessageContaining("docs/pretrained.md");
            assertThatThrownBy(() -> open(m, FIXTURE + "path = tiny.pt"))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("codebook.extractor.dim is not set");
            assertThatThrownBy(() -> open(m, FIXTURE + "path = tiny.pt, dim = 24, mean = [0.5]"))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("codebook.extractor.mean");
        }
    }

    @Test
    void aFileThatIsNoTorchScriptIsAUserError() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> open(m, FIXTURE + "path = input.npy, dim = 24"))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("cannot load TorchScript");
        }
    }

    /** The extractor contract, on the tiny TorchScript network's token output. */
    @Nested
    class Contract extends FeatureExtractorContractTest {
        @Override
        protected FeatureExtractor create(NDManager m) {
            return open(m, FIXTURE + "path = tiny.pt, layout = tokens, class-token = true, dim = 24");
        }

        @Override
        protected int imageChannels() {
            return 1;
        }

        @Override
        protected int imageSize() {
            return 12;
        }
    }
}
