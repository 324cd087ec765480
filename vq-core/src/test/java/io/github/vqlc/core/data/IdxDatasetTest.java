package io.github.vqlc.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDatasetTest {

    @TempDir
    Path dir;

    private static float unit(int v) {
        return v / 127.5f - 1f;
    }

    @Test
    void padsTo32WithBackgroundBorderAndExactCenter() throws IOException {
        IdxFixtures.writeSet(dir, 6, 4, true);
        IdxDataset ds = IdxDataset.open(new DataConfig("mnist", dir, 32, 1, false, 0), Split.TRAIN, List.of());
        assertThat(ds.size()).isEqualTo(6);
        assertThat(ds.numClasses()).isEqualTo(10);
        assertThat(ds.label(3)).isEqualTo(3);
        float[] img = new float[32 * 32];
        ds.image(5, img, 0, null);
        for (int k = 0; k < 32; k++) {
            for (int border : new int[] {0, 1, 30, 31}) {
                assertThat(img[border * 32 + k]).as("row %d col %d", border, k).isEqualTo(-1f);
                assertThat(img[k * 32 + border]).as("row %d col %d", k, border).isEqualTo(-1f);
            }
        }
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                assertThat(img[(y + 2) * 32 + x + 2]).isEqualTo(unit(IdxFixtures.pixel(5, y, x)));
            }
        }
        for (float v : img) {
            assertThat(v).isBetween(-1f, 1f);
        }
    }

    @Test
    void rawFilesTestSplitAndThreeChannelsAtOffset() throws IOException {
        IdxFixtures.writeSet(dir, 3, 4, false);
        IdxDataset ds = IdxDataset.open(new DataConfig("fashion-mnist", dir, 28, 3, false, 0), Split.TEST, List.of());
        assertThat(ds.size()).isEqualTo(4);
        assertThat(ds.classNames().get(9)).isEqualTo("Ankle boot");
        float[] buf = new float[7 + 3 * 784];
        ds.image(2, buf, 7, null);
        for (int c = 0; c < 3; c++) {
            assertThat(buf[7 + c * 784 + 13 * 28 + 4]).isEqualTo(unit(IdxFixtures.pixel(2, 13, 4)));
            assertThat(buf[7 + c * 784]).isEqualTo(unit(IdxFixtures.pixel(2, 0, 0)));
        }
        assertThat(buf[0]).isEqualTo(0f); // nothing written before the offset
        assertThat(ds.describe()).contains("fashion-mnist test", "4 images 3x28x28");
    }

    @Test
    void smallerSizeResizesAConstantImageToTheSameConstant() throws IOException {
        Files.createDirectories(dir);
        ByteBuffer images = ByteBuffer.allocate(16 + 784);
        images.putInt(IdxReader.IMAGES_MAGIC).putInt(1).putInt(28).putInt(28);
        for (int k = 0; k < 784; k++) {
            images.put((byte) 200);
        }
        Files.write(dir.resolve("train-images-idx3-ubyte"), images.array());
        Files.write(dir.resolve("train-labels-idx1-ubyte"), IdxFixtures.labelsBytes(1));
        IdxDataset ds = IdxDataset.open(new DataConfig("mnist", dir, 14, 1, false, 0), Split.TRAIN, List.of());
        float[] img = new float[14 * 14];
        ds.image(0, img, 0, null);
        for (float v : img) {
            assertThat(v).isCloseTo(unit(200), within(1e-5f));
        }
    }

    @Test
    void resizeTo14AveragesTwoByTwoBlocksWithNeighbours() throws IOException {
        IdxFixtures.writeSet(dir, 2, 1, false);
        IdxDataset ds = IdxDataset.open(new DataConfig("mnist", dir, 14, 1, false, 0), Split.TRAIN, List.of());
        float[] img = new float[14 * 14];
        ds.image(1, img, 0, null);
        // output (5, 6): center (11, 13) in source coordinates; the triangle of half-width 2 gives
        // weights 1/8, 3/8, 3/8, 1/8 on rows 9..12 and on cols 11..14
        double[] w = {0.125, 0.375, 0.375, 0.125};
        double expected = 0;
        for (int a = 0; a < 4; a++) {
            for (int b = 0; b < 4; b++) {
                expected += w[a] * w[b] * unit(IdxFixtures.pixel(1, 9 + a, 11 + b));
            }
        }
        assertThat(img[5 * 14 + 6]).isCloseTo((float) expected, within(1e-5f));
    }

    @Test
    void missingDatasetListsTriedDirectoriesAndFetchHint() {
        Path a = dir.resolve("system");
        Path b = dir.resolve("local");
        assertThatThrownBy(() -> IdxDataset.open(DataConfig.of("fashion-mnist", 32, 1), Split.TRAIN, List.of(a, b)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(a.toString())
                .hasMessageContaining(b.toString())
                .hasMessageContaining("run scripts/fetch-data.sh fashion-mnist");
    }

    @Test
    void fallsBackToTheSecondStandardLocation() throws IOException {
        Path a = dir.resolve("system");
        Path b = dir.resolve("local");
        IdxFixtures.writeSet(b, 3, 2, true);
        IdxDataset ds = IdxDataset.open(DataConfig.of("mnist", 32, 1), Split.TEST, List.of(a, b));
        assertThat(ds.size()).isEqualTo(2);
        assertThat(ds.describe()).endsWith("from local").doesNotContain(dir.toString()); // no absolute path
    }

    @Test
    void explicitRootWithMissingFileNamesTheFile() throws IOException {
        IdxFixtures.writeSet(dir, 3, 2, false);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
        assertThatThrownBy(() -> IdxDataset.open(new DataConfig("mnist", dir, 32, 1, false, 0), Split.TEST, List.of()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("t10k-labels-idx1-ubyte[.gz]")
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("fetch-data.sh mnist");
    }

    @Test
    void labelOutOfRangeIsCorruptData() throws IOException {
        IdxFixtures.writeSet(dir, 3, 2, false);
        byte[] labels = IdxFixtures.labelsBytes(3);
        labels[8 + 2] = 12;
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels);
        assertThatThrownBy(() -> IdxDataset.open(new DataConfig("mnist", dir, 32, 1, false, 0), Split.TRAIN, List.of()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("train-labels-idx1-ubyte")
                .hasMessageContaining("label 12 at index 2");
    }
}
