package io.github.vqlc.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real Fashion-MNIST files from the standard locations (Debian's dataset-fashion-mnist puts them
 * in /usr/share/datasets/fashion-mnist). Expected values were read from the files independently
 * with Python's gzip module: first train labels 9 0 0 3 0 2 7 2 5 5, first test labels 9 2 1 1 6,
 * 6000 train and 1000 test images per class, first train image row 14 col 12 = 237.
 * Skipped (not failed) on machines without the data.
 */
@Tag("e2e")
class FashionMnistTest {

    @BeforeAll
    static void requireData() {
        assumeTrue(
                IdxDataset.FASHION_MNIST_DIRS.stream().anyMatch(Files::isDirectory),
                "Fashion-MNIST not installed; run scripts/fetch-data.sh fashion-mnist");
    }

    @Test
    void trainSplit() {
        ImageDataset train = Datasets.open(DataConfig.of("fashion-mnist", 32, 1), Split.TRAIN, 0);
        assertThat(train.size()).isEqualTo(60000);
        assertThat(train.numClasses()).isEqualTo(10);
        assertThat(train.label(0)).isEqualTo(9); // Ankle boot
        assertThat(train.classNames().get(train.label(0))).isEqualTo("Ankle boot");
        int[] first = new int[10];
        for (int i = 0; i < 10; i++) {
            first[i] = train.label(i);
        }
        assertThat(first).containsExactly(9, 0, 0, 3, 0, 2, 7, 2, 5, 5);
        assertThat(histogram(train)).containsOnly(6000);

        float[] img = new float[32 * 32];
        train.image(0, img, 0, null);
        assertThat(img[(14 + 2) * 32 + 12 + 2]).isEqualTo(237 / 127.5f - 1f);
        assertThat(img[0]).isEqualTo(-1f);
    }

    @Test
    void testSplit() {
        ImageDataset test = Datasets.open(DataConfig.of("fashion-mnist", 28, 1), Split.TEST, 0);
        assertThat(test.size()).isEqualTo(10000);
        assertThat(test.numClasses()).isEqualTo(10);
        assertThat(new int[] {test.label(0), test.label(1), test.label(2), test.label(3), test.label(4)})
                .containsExactly(9, 2, 1, 1, 6);
        assertThat(histogram(test)).containsOnly(1000);
    }

    private static int[] histogram(ImageDataset ds) {
        int[] h = new int[ds.numClasses()];
        for (int i = 0; i < ds.size(); i++) {
            h[ds.label(i)]++;
        }
        return h;
    }
}
