package io.github.vqlc.quantizers.codebook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.spi.FeatureExtractor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FeatureCollectorTest {

    /** 20 grey 4x4 images; pixel k (row-major) of image i is i + k / 100; label i % 3. */
    static final ImageDataset DATA = new ImageDataset() {
        @Override
        public int size() {
            return 20;
        }

        @Override
        public int channels() {
            return 1;
        }

        @Override
        public int imageSize() {
            return 4;
        }

        @Override
        public int numClasses() {
            return 3;
        }

        @Override
        public int label(int i) {
            return i % 3;
        }

        @Override
        public void image(int i, float[] dst, int offset, Random rng) {
            for (int k = 0; k < 16; k++) {
                dst[offset + k] = i + k / 100f;
            }
        }

        @Override
        public String describe() {
            return "test images";
        }
    };

    private static FeatureCollector.Rows collect(NDManager m, FeatureCollector collector) {
        // 1x1 patches pooled to the full 4x4 grid: row k of image i holds exactly pixel k
        try (FeatureExtractor e = new Pixels(true)) {
            return collector.collect(e, DATA, m);
        }
    }

    @Test
    void everyCellOfEveryImageBecomesALabelledRow() {
        try (NDManager m = NDManager.newBaseManager()) {
            List<Integer> progress = new ArrayList<>();
            FeatureCollector.Rows rows = collect(
                    m,
                    FeatureCollector.builder()
                            .optGrid(4)
                            .optBatchSize(8)
                            .optListener((done, total) -> progress.add(done * 100 + total))
                            .build());
            assertThat(rows.count()).isEqualTo(20 * 16);
            assertThat(rows.dim()).isEqualTo(1);
            for (int r = 0; r < rows.count(); r++) {
                int image = r / 16;
                assertThat(rows.images()[r]).isEqualTo(image);
                assertThat(rows.labels()[r]).isEqualTo(image % 3);
                assertThat(rows.data()[r]).isCloseTo(image + (r % 16) / 100f, within(1e-5f));
            }
            assertThat(progress).containsExactly(820, 1620, 2020);
            assertThat(rows.toArray(m).getShape().getShape()).containsExactly(320, 1);
        }
    }

    @Test
    void poolingToTheDefaultGridAveragesBlocks() {
        try (NDManager m = NDManager.newBaseManager()) {
            FeatureCollector.Rows rows =
                    collect(m, FeatureCollector.builder().optGrid(2).build());
            assertThat(rows.count()).isEqualTo(20 * 4);
            // image 3, cell 1 (top-right 2x2 block: pixels 2, 3, 6, 7) -> 3 + 0.045
            assertThat(rows.data()[3 * 4 + 1]).isCloseTo(3.045f, within(1e-5f));
        }
    }

    @Test
    void vectorsPerImageAreASeededSubsetIndependentOfTheBatchSize() {
        try (NDManager m = NDManager.newBaseManager()) {
            FeatureCollector.Rows a = collect(
                    m,
                    FeatureCollector.builder()
                            .optGrid(4)
                            .optMaxVectorsPerImage(5)
                            .optSeed(7)
                            .optBatchSize(3)
                            .build());
            FeatureCollector.Rows b = collect(
                    m,
                    FeatureCollector.builder()
                            .optGrid(4)
                            .optMaxVectorsPerImage(5)
                            .optSeed(7)
                            .optBatchSize(64)
                            .build());
            assertThat(a.count()).isEqualTo(20 * 5);
            assertThat(a.data()).containsExactly(b.data());
            List<List<Integer>> cellsPerImage = new ArrayList<>();
            for (int image = 0; image < 20; image++) {
                List<Integer> cells = new ArrayList<>();
                for (int j = 0; j < 5; j++) {
                    int r = image * 5 + j;
                    assertThat(a.images()[r]).isEqualTo(image);
                    cells.add(Math.round((a.data()[r] - image) * 100));
                }
                assertThat(cells).isSorted().doesNotHaveDuplicates().allMatch(c -> c >= 0 && c < 16);
                cellsPerImage.add(cells);
            }
            assertThat(cellsPerImage.stream().distinct().count()).isGreaterThan(1);
            FeatureCollector.Rows other = collect(
                    m,
                    FeatureCollector.builder()
                            .optGrid(4)
                            .optMaxVectorsPerImage(5)
                            .optSeed(8)
                            .build());
            assertThat(other.data()).isNotEqualTo(a.data());
        }
    }

    @Test
    void imagesPerClassAreLimitedUnderTheSeed() {
        FeatureCollector c =
                FeatureCollector.builder().optMaxImagesPerClass(2).optSeed(1).build();
        int[] chosen = c.selectImages(DATA);
        assertThat(chosen).hasSize(6).isSorted();
        int[] perClass = new int[3];
        Arrays.stream(chosen).forEach(i -> perClass[i % 3]++);
        assertThat(perClass).containsExactly(2, 2, 2);
        assertThat(FeatureCollector.builder()
                        .optMaxImagesPerClass(2)
                        .optSeed(1)
                        .build()
                        .selectImages(DATA))
                .containsExactly(chosen);
        assertThat(FeatureCollector.builder().optMaxImagesPerClass(100).build().selectImages(DATA))
                .hasSize(20);
        try (NDManager m = NDManager.newBaseManager()) {
            FeatureCollector.Rows rows = collect(
                    m,
                    FeatureCollector.builder()
                            .optGrid(1)
                            .optMaxImagesPerClass(2)
                            .optSeed(1)
                            .build());
            assertThat(rows.images()).containsExactly(chosen);
        }
    }

    @Test
    void anExtractorWithoutPatchFeaturesIsRefused() {
        try (NDManager m = NDManager.newBaseManager();
                FeatureExtractor globalOnly = new Pixels(false)) {
            assertThatThrownBy(() -> FeatureCollector.builder().build().collect(globalOnly, DATA, m))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("global-only")
                    .hasMessageContaining("no patch features");
        }
    }

    /**
     * Each pixel as a 1-dimensional patch feature (the image itself, (B, 1, 4, 4)); without patch
     * features it offers only global ones.
     */
    private record Pixels(boolean patches) implements FeatureExtractor {
        @Override
        public String type() {
            return patches ? "pixels" : "global-only";
        }

        @Override
        public String describe() {
            return type();
        }

        @Override
        public String fingerprint() {
            return type();
        }

        @Override
        public boolean hasPatchFeatures() {
            return patches;
        }

        @Override
        public boolean hasGlobalFeatures() {
            return !patches;
        }

        @Override
        public int patchDim() {
            return 1;
        }

        @Override
        public int globalDim() {
            return 16;
        }

        @Override
        public NDArray patchFeatures(NDArray images) {
            return images.duplicate();
        }

        @Override
        public NDArray globalFeatures(NDArray images) {
            return images.reshape(images.getShape().get(0), -1);
        }

        @Override
        public void close() {}
    }
}
