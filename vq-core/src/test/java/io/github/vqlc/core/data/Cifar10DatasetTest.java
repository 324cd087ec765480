package io.github.vqlc.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10DatasetTest {

    @TempDir
    Path dir;

    /** Record r of file f: label (f + r) % 10, channel c pixel (y, x) = value(f, r, c, y, x). */
    static int value(int f, int r, int c, int y, int x) {
        return (f * 11 + r * 29 + c * 70 + y * 3 + x * 5) % 256;
    }

    private static void writeSet(Path dir, int perFile) throws IOException {
        Files.createDirectories(dir);
        for (int f = 0; f < 6; f++) {
            byte[] data = new byte[perFile * Cifar10Dataset.RECORD_BYTES];
            for (int r = 0; r < perFile; r++) {
                int base = r * Cifar10Dataset.RECORD_BYTES;
                data[base] = (byte) ((f + r) % 10);
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < 32; y++) {
                        for (int x = 0; x < 32; x++) {
                            data[base + 1 + c * 1024 + y * 32 + x] = (byte) value(f, r, c, y, x);
                        }
                    }
                }
            }
            String name = f < 5 ? "data_batch_" + (f + 1) + ".bin" : "test_batch.bin";
            Files.write(dir.resolve(name), data);
        }
    }

    private static float unit(int v) {
        return v / 127.5f - 1f;
    }

    @Test
    void roundTripOfTrainAndTestRecords() throws IOException {
        writeSet(dir, 2);
        Cifar10Dataset train = Cifar10Dataset.fromDirectory(dir, Split.TRAIN, 32, 3);
        assertThat(train.size()).isEqualTo(10);
        assertThat(train.numClasses()).isEqualTo(10);
        // index 7 = file 3 (data_batch_4), record 1
        assertThat(train.label(7)).isEqualTo((3 + 1) % 10);
        float[] img = new float[3 * 1024];
        train.image(7, img, 0, null);
        for (int c = 0; c < 3; c++) {
            assertThat(img[c * 1024 + 5 * 32 + 9]).isEqualTo(unit(value(3, 1, c, 5, 9)));
            assertThat(img[c * 1024 + 31 * 32 + 31]).isEqualTo(unit(value(3, 1, c, 31, 31)));
        }
        Cifar10Dataset test = Cifar10Dataset.fromDirectory(dir, Split.TEST, 32, 3);
        assertThat(test.size()).isEqualTo(2);
        assertThat(test.label(1)).isEqualTo((5 + 1) % 10);
        assertThat(test.classNames().get(0)).isEqualTo("airplane");
    }

    @Test
    void grayIsBt601LumaAndResizeKeepsConstants() throws IOException {
        writeSet(dir, 1);
        Cifar10Dataset gray = Cifar10Dataset.fromDirectory(dir, Split.TEST, 32, 1);
        float[] img = new float[1024];
        gray.image(0, img, 0, null);
        float expected = 0.299f * unit(value(5, 0, 0, 4, 6))
                + 0.587f * unit(value(5, 0, 1, 4, 6))
                + 0.114f * unit(value(5, 0, 2, 4, 6));
        assertThat(img[4 * 32 + 6]).isCloseTo(expected, within(1e-6f));

        Cifar10Dataset small = Cifar10Dataset.fromDirectory(dir, Split.TEST, 16, 3);
        float[] s = new float[3 * 256];
        small.image(0, s, 0, null);
        float[] full = new float[3 * 1024];
        Cifar10Dataset.fromDirectory(dir, Split.TEST, 32, 3).image(0, full, 0, null);
        // a 2x downscale output averages its 4x4 neighbourhood with weights (1,3,3,1)/8 per axis
        double[] w = {0.125, 0.375, 0.375, 0.125};
        double e = 0;
        for (int a = 0; a < 4; a++) {
            for (int b = 0; b < 4; b++) {
                e += w[a] * w[b] * full[1024 + (9 + a) * 32 + 11 + b];
            }
        }
        assertThat(s[256 + 5 * 16 + 6]).isCloseTo((float) e, within(1e-5f));
    }

    @Test
    void badFileSizeIsReported() throws IOException {
        writeSet(dir, 1);
        Path bad = dir.resolve("test_batch.bin");
        byte[] data = Files.readAllBytes(bad);
        Files.write(bad, Arrays.copyOf(data, data.length - 100));
        assertThatThrownBy(() -> Cifar10Dataset.fromDirectory(dir, Split.TEST, 32, 3))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("test_batch.bin")
                .hasMessageContaining("size 2973")
                .hasMessageContaining("multiple of 3073");
    }

    @Test
    void missingFilesAndSubfolderLayout() throws IOException {
        assertThatThrownBy(() -> Cifar10Dataset.open(new DataConfig("cifar10", dir, 32, 3, false, 0), Split.TRAIN))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(dir.toAbsolutePath().toString())
                .hasMessageContaining("fetch-data.sh cifar10");

        writeSet(dir.resolve("cifar-10-batches-bin"), 1);
        Cifar10Dataset ds = Cifar10Dataset.open(new DataConfig("cifar10", dir, 32, 3, false, 0), Split.TRAIN);
        assertThat(ds.size()).isEqualTo(5);
    }
}
