package io.github.vqlc.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsRawAndGzippedImagesAndLabels() throws IOException {
        Path raw = dir.resolve("imgs-raw");
        Path gz = dir.resolve("imgs-compressed.bin"); // gzip detected by content, not by name
        Files.write(raw, IdxFixtures.imagesBytes(5, 28, 28));
        Files.write(gz, IdxFixtures.gzip(IdxFixtures.imagesBytes(5, 28, 28)));
        Path labels = dir.resolve("labels.gz");
        Files.write(labels, IdxFixtures.gzip(IdxFixtures.labelsBytes(5)));

        assertThat(IdxReader.isGzip(raw)).isFalse();
        assertThat(IdxReader.isGzip(gz)).isTrue();
        for (Path p : new Path[] {raw, gz}) {
            IdxReader.Images images = IdxReader.readImages(p);
            assertThat(images.count()).isEqualTo(5);
            assertThat(images.rows()).isEqualTo(28);
            assertThat(images.cols()).isEqualTo(28);
            assertThat(images.pixels()).hasSize(5 * 784);
            assertThat(images.pixels()[3 * 784 + 10 * 28 + 7] & 0xff).isEqualTo(IdxFixtures.pixel(3, 10, 7));
            assertThat(images.pixels()[4 * 784 + 27 * 28 + 27] & 0xff).isEqualTo(IdxFixtures.pixel(4, 27, 27));
        }
        assertThat(IdxReader.readLabels(labels)).containsExactly(0, 1, 2, 3, 4);
        IdxReader.Labeled both = IdxReader.read(gz, labels);
        assertThat(both.count()).isEqualTo(5);
    }

    @Test
    void truncatedRawFileNamesFileAndSizes() throws IOException {
        byte[] full = IdxFixtures.imagesBytes(4, 28, 28);
        Path file = dir.resolve("train-images-idx3-ubyte");
        Files.write(file, Arrays.copyOf(full, 16 + 1234));
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("train-images-idx3-ubyte")
                .hasMessageContaining("truncated")
                .hasMessageContaining("expected 3136 bytes of pixels, found 1234");
    }

    @Test
    void truncatedGzipFileIsReportedAsTruncated() throws IOException {
        byte[] gz = IdxFixtures.gzip(IdxFixtures.imagesBytes(50, 28, 28));
        Path file = dir.resolve("train-images-idx3-ubyte.gz");
        Files.write(file, Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining("truncated")
                .hasMessageContaining("expected 39200 bytes of pixels");
    }

    @Test
    void truncatedHeaderAndTrailingData() throws IOException {
        Path shortFile = dir.resolve("short-labels");
        Files.write(shortFile, new byte[] {0, 0, 8, 1, 0});
        assertThatThrownBy(() -> IdxReader.readLabels(shortFile))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("short-labels")
                .hasMessageContaining("truncated: expected an 8-byte header, found 5 bytes");

        byte[] labels = IdxFixtures.labelsBytes(3);
        Path longFile = dir.resolve("long-labels");
        Files.write(longFile, Arrays.copyOf(labels, labels.length + 2));
        assertThatThrownBy(() -> IdxReader.readLabels(longFile))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("long-labels")
                .hasMessageContaining("trailing data");
    }

    @Test
    void wrongMagicIsNamed() throws IOException {
        Path labelsAsImages = dir.resolve("labels-idx1");
        Files.write(labelsAsImages, IdxFixtures.labelsBytes(3));
        assertThatThrownBy(() -> IdxReader.readImages(labelsAsImages))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("labels-idx1")
                .hasMessageContaining("bad magic number 0x00000801")
                .hasMessageContaining("expected 0x00000803");

        Path garbage = dir.resolve("garbage.gz");
        Files.write(garbage, IdxFixtures.gzip("hello world, not idx".getBytes()));
        assertThatThrownBy(() -> IdxReader.readLabels(garbage))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("garbage.gz")
                .hasMessageContaining("magic");
    }

    @Test
    void countMismatchBetweenImagesAndLabels() throws IOException {
        Path images = dir.resolve("images");
        Path labels = dir.resolve("labels");
        Files.write(images, IdxFixtures.imagesBytes(4, 28, 28));
        Files.write(labels, IdxFixtures.labelsBytes(3));
        assertThatThrownBy(() -> IdxReader.read(images, labels))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("4 images")
                .hasMessageContaining("3 labels")
                .hasMessageContaining("count mismatch");
    }

    @Test
    void missingFileAndCorruptGzip() throws IOException {
        Path missing = dir.resolve("nope-idx3");
        assertThatThrownBy(() -> IdxReader.readImages(missing))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("nope-idx3")
                .hasMessageContaining("not found");

        byte[] gz = IdxFixtures.gzip(IdxFixtures.imagesBytes(3, 28, 28));
        for (int k = 12; k < gz.length - 8; k++) {
            gz[k] ^= (byte) 0x5a; // scramble the deflate stream
        }
        Path corrupt = dir.resolve("corrupt.gz");
        Files.write(corrupt, gz);
        assertThatThrownBy(() -> IdxReader.readImages(corrupt))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith(corrupt.toString());
    }
}
