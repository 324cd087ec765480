package io.github.vqlc.models.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.typesafe.config.ConfigFactory;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.spi.FeatureExtractor;
import io.github.vqlc.core.spi.FeatureExtractorContext;
import io.github.vqlc.core.testing.FeatureExtractorContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PatchesExtractorTest {

    static FeatureExtractor create(NDManager m, int channels, int size, String settings) {
        var section = ConfigFactory.parseString(settings)
                .withFallback(ConfigFactory.defaultReference().getConfig("extractor-types.patches"));
        return new PatchesExtractorFactory()
                .create(
                        section,
                        new FeatureExtractorContext(
                                channels, size, Device.cpu(), m, Path.of("."), 0, "codebook.extractor"));
    }

    @Test
    void patchFeaturesArePixelPatchesChannelMajor() {
        try (NDManager m = NDManager.newBaseManager();
                FeatureExtractor e = create(m, 2, 4, "patch-size = 2, global-size = 2")) {
            // image (1, 2, 4, 4): channel c, row y, column x holds 100c + 10y + x
            float[] v = new float[32];
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 4; x++) {
                        v[c * 16 + y * 4 + x] = 100 * c + 10 * y + x;
                    }
                }
            }
            NDArray images = m.create(v, new Shape(1, 2, 4, 4));
            NDArray p = e.patchFeatures(images);
            assertThat(p.getShape()).isEqualTo(new Shape(1, 8, 2, 2));
            assertThat(e.patchDim()).isEqualTo(8);
            // the patch at grid cell (1, 0): rows 2..3, columns 0..1; features c*4 + dy*2 + dx
            float[] cell = p.get(":, :, 1, 0").toFloatArray();
            assertThat(cell).containsExactly(20, 21, 30, 31, 120, 121, 130, 131);
            // global: 2x2 average pool flattened channel-major
            NDArray g = e.globalFeatures(images);
            assertThat(g.getShape()).isEqualTo(new Shape(1, 8));
            assertThat(g.toFloatArray()).containsExactly(5.5f, 7.5f, 25.5f, 27.5f, 105.5f, 107.5f, 125.5f, 127.5f);
            assertThat(e.hasGlobalFeatures()).isTrue();
        }
    }

    @Test
    void globalSizeZeroMeansNoGlobalFeaturesAndWrongImagesAreRefused() {
        try (NDManager m = NDManager.newBaseManager();
                FeatureExtractor e = create(m, 1, 8, "patch-size = 4, global-size = 0")) {
            assertThat(e.hasGlobalFeatures()).isFalse();
            NDArray images = m.zeros(new Shape(3, 1, 8, 8));
            assertThat(e.patchFeatures(images).getShape()).isEqualTo(new Shape(3, 16, 2, 2));
            assertThatThrownBy(() -> e.globalFeatures(images))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("global-size");
            assertThatThrownBy(() -> e.patchFeatures(m.zeros(new Shape(1, 3, 8, 8))))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("(B, 1, 8, 8)")
                    .hasMessageContaining("(1, 3, 8, 8)");
        }
    }

    @Test
    void patchSizeMustDivideTheImageSize() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> create(m, 1, 32, "patch-size = 3"))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("codebook.extractor.patch-size = 3")
                    .hasMessageContaining("divisor of the image size 32");
        }
    }

    @Test
    void fingerprintFollowsTheSettings() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThat(create(m, 1, 8, "patch-size = 4").fingerprint())
                    .isEqualTo(create(m, 1, 8, "patch-size = 4").fingerprint())
                    .isNotEqualTo(create(m, 1, 8, "patch-size = 2").fingerprint())
                    .hasSize(64);
        }
    }

    /** The extractor contract, on 8x8 grey images: 4x4 patches and 2x2 global features. */
    @Nested
    class Contract extends FeatureExtractorContractTest {
        @Override
        protected FeatureExtractor create(NDManager m) {
            return PatchesExtractorTest.create(m, 1, 8, "patch-size = 4, global-size = 2");
        }

        @Override
        protected int imageChannels() {
            return 1;
        }

        @Override
        protected int imageSize() {
            return 8;
        }
    }
}
