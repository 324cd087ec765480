package io.github.vqlc.core.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for tests. Pixel (i, y, x) = {@link #pixel}; label i = i % 10. */
final class IdxFixtures {

    private IdxFixtures() {}

    static int pixel(int i, int y, int x) {
        return (i * 37 + y * 9 + x * 5) % 256;
    }

    static byte[] imagesBytes(int count, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(16 + count * rows * cols);
        b.putInt(IdxReader.IMAGES_MAGIC).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < count; i++) {
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < cols; x++) {
                    b.put((byte) pixel(i, y, x));
                }
            }
        }
        return b.array();
    }

    static byte[] labelsBytes(int count) {
        ByteBuffer b = ByteBuffer.allocate(8 + count);
        b.putInt(IdxReader.LABELS_MAGIC).putInt(count);
        for (int i = 0; i < count; i++) {
            b.put((byte) (i % 10));
        }
        return b.array();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    /** Writes the four standard files (gzipped if asked) with {@code train} and {@code test} images into dir. */
    static void writeSet(Path dir, int train, int test, boolean gz) throws IOException {
        Files.createDirectories(dir);
        write(dir.resolve("train-images-idx3-ubyte"), imagesBytes(train, 28, 28), gz);
        write(dir.resolve("train-labels-idx1-ubyte"), labelsBytes(train), gz);
        write(dir.resolve("t10k-images-idx3-ubyte"), imagesBytes(test, 28, 28), gz);
        write(dir.resolve("t10k-labels-idx1-ubyte"), labelsBytes(test), gz);
    }

    private static void write(Path file, byte[] data, boolean gz) throws IOException {
        if (gz) {
            Files.write(file.resolveSibling(file.getFileName() + ".gz"), gzip(data));
        } else {
            Files.write(file, data);
        }
    }
}
