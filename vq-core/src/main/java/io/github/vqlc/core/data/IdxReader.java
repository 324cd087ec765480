package io.github.vqlc.core.data;

import io.github.vqlc.core.io.IoErrors;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST: a big-endian header (magic {@code
 * 0x00000803} + count, rows, cols for unsigned-byte images; {@code 0x00000801} + count for labels)
 * followed by exactly count*rows*cols (or count) bytes. Files may be gzip-compressed; compression is
 * detected from the magic bytes {@code 1f 8b}, not from the name. Every problem (missing file, bad
 * magic, truncated or over-long payload, corrupt gzip stream, images/labels count mismatch) is a
 * {@link DataException} whose one-line message starts with the file.
 */
public final class IdxReader {

    /** Magic number of an unsigned-byte, 3-dimensional IDX file (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an unsigned-byte, 1-dimensional IDX file (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int MAX_PAYLOAD = Integer.MAX_VALUE - 8;

    private IdxReader() {}

    /** Images of one IDX file: {@code count} images of {@code rows x cols} bytes, row-major, in {@code pixels}. */
    public record Images(int count, int rows, int cols, byte[] pixels) {}

    /** Images with their labels (same count, checked). */
    public record Labeled(Images images, byte[] labels) {
        /** Number of examples. */
        public int count() {
            return labels.length;
        }
    }

    /** Reads an images file and a labels file and checks that their counts agree. */
    public static Labeled read(Path imagesFile, Path labelsFile) {
        Images images = readImages(imagesFile);
        byte[] labels = readLabels(labelsFile);
        if (images.count() != labels.length) {
            throw new DataException(imagesFile + ": has " + images.count() + " images but " + labelsFile + " has "
                    + labels.length + " labels (count mismatch)");
        }
        return new Labeled(images, labels);
    }

    /** Reads an IDX images file (magic 0x00000803). */
    public static Images readImages(Path file) {
        try (InputStream in = open(file)) {
            byte[] header = readHeader(in, file, 16, IMAGES_MAGIC, "images");
            int count = readInt(header, 4);
            int rows = readInt(header, 8);
            int cols = readInt(header, 12);
            if (count < 0 || rows <= 0 || cols <= 0) {
                throw new DataException(file + ": invalid dimensions " + count + " x " + rows + " x " + cols);
            }
            long n = (long) count * rows * cols;
            if (n > MAX_PAYLOAD) {
                throw new DataException(
                        file + ": dimensions " + count + " x " + rows + " x " + cols + " too large (" + n + " bytes)");
            }
            byte[] pixels = new byte[(int) n];
            readPayload(in, pixels, file, "pixels");
            return new Images(count, rows, cols, pixels);
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    /** Reads an IDX labels file (magic 0x00000801); each byte is one label. */
    public static byte[] readLabels(Path file) {
        try (InputStream in = open(file)) {
            byte[] header = readHeader(in, file, 8, LABELS_MAGIC, "labels");
            int count = readInt(header, 4);
            if (count < 0 || count > MAX_PAYLOAD) {
                throw new DataException(file + ": invalid label count " + count);
            }
            byte[] labels = new byte[count];
            readPayload(in, labels, file, "labels");
            return labels;
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    /** True if the file starts with the gzip magic bytes 1f 8b. */
    public static boolean isGzip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        if (!gzip) {
            return in;
        }
        try {
            return new GZIPInputStream(in, 1 << 16);
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    /** Reads the magic (checked first, so a wrong file type is named as such) and the rest of the header. */
    private static byte[] readHeader(InputStream in, Path file, int length, int magic, String what) throws IOException {
        byte[] header = new byte[length];
        byte[] first = new byte[4];
        int got = readFully(in, first, file);
        if (got == 4) {
            checkMagic(file, readInt(first, 0), magic, what);
            System.arraycopy(first, 0, header, 0, 4);
            byte[] rest = new byte[length - 4];
            got += readFully(in, rest, file);
            System.arraycopy(rest, 0, header, 4, rest.length);
        }
        if (got < length) {
            String article = length == 8 ? "an " : "a ";
            throw new DataException(
                    file + ": truncated: expected " + article + length + "-byte header, found " + got + " bytes");
        }
        return header;
    }

    private static void checkMagic(Path file, int magic, int expected, String what) {
        if (magic != expected) {
            String hint = magic == IMAGES_MAGIC ? " (an images file)" : magic == LABELS_MAGIC ? " (a labels file)" : "";
            throw new DataException(file + ": bad magic number " + hex(magic) + hint + ", expected " + hex(expected)
                    + " for IDX " + what);
        }
    }

    private static void readPayload(InputStream in, byte[] dst, Path file, String what) throws IOException {
        int got = readFully(in, dst, file);
        if (got < dst.length) {
            throw new DataException(
                    file + ": truncated: expected " + dst.length + " bytes of " + what + ", found " + got);
        }
        int extra;
        try {
            extra = in.read();
        } catch (EOFException e) {
            throw new DataException(file + ": truncated: the gzip stream ends before its trailer");
        }
        if (extra != -1) {
            throw new DataException(file + ": trailing data: expected exactly " + dst.length + " bytes of " + what
                    + " after the header, found more");
        }
    }

    /** Reads up to dst.length bytes; returns how many were read (fewer = end of data, including a cut gzip stream). */
    private static int readFully(InputStream in, byte[] dst, Path file) throws IOException {
        int total = 0;
        try {
            while (total < dst.length) {
                int r = in.read(dst, total, dst.length - total);
                if (r < 0) {
                    break;
                }
                total += r;
            }
        } catch (EOFException e) {
            // GZIPInputStream: "Unexpected end of ZLIB input stream" = the compressed file is cut short
        }
        return total;
    }

    private static DataException ioFailure(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new DataException(file + ": file not found", e);
        }
        if (e instanceof ZipException) {
            return new DataException(file + ": corrupt gzip data: " + e.getMessage(), e);
        }
        return new DataException(file + ": cannot read: " + IoErrors.describe(e), e);
    }

    private static int readInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    private static String hex(int v) {
        return String.format("0x%08x", v);
    }
}
