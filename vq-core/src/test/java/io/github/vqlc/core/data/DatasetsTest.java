package io.github.vqlc.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    @TempDir
    Path dir;

    @Test
    void unknownNameListsValidNames() {
        assertThatThrownBy(() -> Datasets.open(DataConfig.of("imagenet", 32, 3), Split.TRAIN, 0))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("'imagenet'")
                .hasMessageContaining("fashion-mnist, mnist, cifar10, image-folder, synthetic");
    }

    @Test
    void syntheticSizesSeedAndLimit() {
        ImageDataset train = Datasets.open(DataConfig.of("synthetic", 8, 1), Split.TRAIN, 3);
        ImageDataset test = Datasets.open(DataConfig.of("synthetic", 8, 1), Split.TEST, 3);
        assertThat(train.size()).isEqualTo(Datasets.SYNTHETIC_TRAIN_SIZE);
        assertThat(test.size()).isEqualTo(Datasets.SYNTHETIC_TEST_SIZE);
        float[] a = new float[64];
        float[] b = new float[64];
        train.image(0, a, 0, null);
        test.image(0, b, 0, null);
        assertThat(a).isNotEqualTo(b); // the splits differ

        ImageDataset limited = Datasets.open(DataConfig.of("synthetic", 8, 3).withLimit(5), Split.TRAIN, 3);
        assertThat(limited.size()).isEqualTo(5);
        assertThat(limited.channels()).isEqualTo(3);
    }

    @Test
    void limitKeepsTheFirstImages() throws IOException {
        IdxFixtures.writeSet(dir, 9, 3, true);
        ImageDataset full = Datasets.open(new DataConfig("mnist", dir, 32, 1, false, 0), Split.TRAIN, 0);
        ImageDataset first4 = Datasets.open(new DataConfig("mnist", dir, 32, 1, false, 4), Split.TRAIN, 0);
        ImageDataset all = Datasets.open(new DataConfig("mnist", dir, 32, 1, false, 100), Split.TRAIN, 0);
        assertThat(full.size()).isEqualTo(9);
        assertThat(first4.size()).isEqualTo(4);
        assertThat(all.size()).isEqualTo(9);
        assertThat(first4.label(3)).isEqualTo(full.label(3));
        float[] a = new float[1024];
        float[] b = new float[1024];
        full.image(3, a, 0, null);
        first4.image(3, b, 0, null);
        assertThat(b).containsExactly(a);
        assertThatThrownBy(() -> first4.label(4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(first4.describe()).contains("first 4 used");
    }

    @Test
    void configValidationNamesTheRange() {
        assertThatThrownBy(() -> new DataConfig("mnist", null, 4, 1, false, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("image-size = 4")
                .hasMessageContaining("[8, 4096]");
        assertThatThrownBy(() -> new DataConfig("mnist", null, 32, 2, false, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channels = 2");
        assertThatThrownBy(() -> new DataConfig("mnist", null, 32, 1, false, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit = -1");
        assertThatThrownBy(() -> new DataConfig(" ", null, 32, 1, false, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        DataConfig ok =
                DataConfig.of("cifar10", 32, 3).withRoot(dir).withAugment(true).withLimit(10);
        assertThat(ok).isEqualTo(new DataConfig("cifar10", dir, 32, 3, true, 10));
    }
}
