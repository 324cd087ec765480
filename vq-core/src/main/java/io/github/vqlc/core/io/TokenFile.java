package io.github.vqlc.core.io;

import io.github.vqlc.core.UserException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * A quantized split: the token grid of every image and its class label, memory-mapped for reading.
 *
 * <p>Format ({@code .vqt}, version 1, all integers little-endian, readable with
 * {@code numpy.memmap}):
 * <pre>
 * offset  size  field
 *      0     4  magic "VQTK"
 *      4     4  int32 version (1)
 *      8     4  int32 codebook size K (codes are in [0, K))
 *     12     4  int32 grid height h
 *     16     4  int32 grid width w
 *     20     4  int32 count N (images)
 *     24     4  int32 label classes L (0 = unlabelled: every label is 0)
 *     28     4  int32 code width in bytes: 2 (int16) when K <= 32767, else 4 (int32)
 *     32  N*h*w*width  codes, image after image, row-major (h, w)
 *      .   N*4  int32 labels in [0, max(L, 1))
 * </pre>
 * The file length must be exactly {@code 32 + N*h*w*width + 4*N}; anything else is reported as
 * truncated or corrupt. Files are written through a temporary file and renamed ({@link Writer}),
 * so a crash never leaves a half-written tokens file under the final name.
 */
public final class TokenFile implements AutoCloseable {

    /** First four bytes of every tokens file. */
    public static final String MAGIC = "VQTK";

    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 32;
    /** Largest codebook stored with 2-byte codes. */
    public static final int MAX_INT16_CODEBOOK = Short.MAX_VALUE;
    /** Images per mapped segment are chosen so a segment stays below this many bytes. */
    private static final long SEGMENT_BYTES = 1L << 30;

    /**
     * The fixed header.
     *
     * @param labelClasses number of classes, 0 when the split has no labels
     */
    public record Header(int codebookSize, int gridHeight, int gridWidth, int count, int labelClasses) {

        public Header {
            if (codebookSize < 1 || gridHeight < 1 || gridWidth < 1 || count < 0 || labelClasses < 0) {
                throw new IllegalArgumentException("invalid tokens header " + codebookSize + "/" + gridHeight + "x"
                        + gridWidth + "/" + count + "/" + labelClasses);
            }
        }

        /** Bytes per code: 2 when the codebook fits int16, else 4. */
        public int codeBytes() {
            return codeBytesFor(codebookSize);
        }

        /** {@code code}, or an {@link IllegalArgumentException} when it is outside the codebook. */
        public long requireCode(long code) {
            if (code < 0 || code >= codebookSize) {
                throw new IllegalArgumentException("code " + code + " outside [0, " + codebookSize + ")");
            }
            return code;
        }

        public int tokensPerImage() {
            return gridHeight * gridWidth;
        }

        /** The exact file length this header implies. */
        public long fileBytes() {
            return HEADER_BYTES + (long) count * tokensPerImage() * codeBytes() + 4L * count;
        }
    }

    private final Path path;
    private final Header header;
    private final FileChannel channel;
    private final MappedByteBuffer[] segments;
    private final int imagesPerSegment;
    private final MappedByteBuffer labels;

    private TokenFile(Path path, Header header, FileChannel channel) throws IOException {
        this.path = path;
        this.header = header;
        this.channel = channel;
        long bytesPerImage = (long) header.tokensPerImage() * header.codeBytes();
        this.imagesPerSegment = (int) Math.max(1, Math.min(Integer.MAX_VALUE, SEGMENT_BYTES / bytesPerImage));
        int n = header.count() == 0 ? 0 : (header.count() + imagesPerSegment - 1) / imagesPerSegment;
        segments = new MappedByteBuffer[n];
        for (int s = 0; s < n; s++) {
            int first = s * imagesPerSegment;
            int images = Math.min(imagesPerSegment, header.count() - first);
            segments[s] = map(HEADER_BYTES + first * bytesPerImage, images * bytesPerImage);
        }
        labels = map(HEADER_BYTES + header.count() * bytesPerImage, 4L * header.count());
    }

    private MappedByteBuffer map(long offset, long size) throws IOException {
        MappedByteBuffer b = channel.map(FileChannel.MapMode.READ_ONLY, offset, size);
        b.order(ByteOrder.LITTLE_ENDIAN);
        return b;
    }

    /** Bytes per code for a codebook of {@code codebookSize} entries. */
    public static int codeBytesFor(int codebookSize) {
        return codebookSize <= MAX_INT16_CODEBOOK ? 2 : 4;
    }

    /** Opens and validates {@code file}; a missing, truncated or corrupt file is a {@link UserException}. */
    public static TokenFile open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("tokens file not found: " + file + " (write one with `vqlc tokenize <run-dir>`)");
        }
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            try {
                Header h = readHeader(file, ch);
                return new TokenFile(file, h, ch);
            } catch (RuntimeException | IOException e) {
                ch.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokens file " + file + ": " + e.getMessage(), e);
        }
    }

    private static Header readHeader(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < HEADER_BYTES) {
            throw new UserException("tokens file " + file + " is truncated: " + size + " bytes, shorter than its "
                    + HEADER_BYTES + "-byte header");
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
            // read the whole header
        }
        b.flip();
        byte[] magic = new byte[4];
        b.get(magic);
        if (!MAGIC.equals(new String(magic, StandardCharsets.ISO_8859_1))) {
            throw new UserException(
                    "tokens file " + file + " is corrupt or not a tokens file (magic is not " + MAGIC + ")");
        }
        int version = b.getInt();
        if (version != VERSION) {
            throw new UserException(
                    "tokens file " + file + " has version " + version + "; this vqlc reads version " + VERSION);
        }
        int k = b.getInt();
        int gh = b.getInt();
        int gw = b.getInt();
        int count = b.getInt();
        int classes = b.getInt();
        int width = b.getInt();
        Header h;
        try {
            h = new Header(k, gh, gw, count, classes);
        } catch (IllegalArgumentException e) {
            throw new UserException("tokens file " + file + " is corrupt: " + e.getMessage());
        }
        if (width != h.codeBytes()) {
            throw new UserException("tokens file " + file + " is corrupt: code width " + width
                    + " bytes, but codebook size " + k + " implies " + h.codeBytes());
        }
        if (size != h.fileBytes()) {
            throw new UserException("tokens file " + file + " is " + (size < h.fileBytes() ? "truncated" : "corrupt")
                    + ": " + size + " bytes, but its header (" + count + " images of " + gh + "x" + gw
                    + " codes) implies "
                    + h.fileBytes());
        }
        return h;
    }

    public Path path() {
        return path;
    }

    public Header header() {
        return header;
    }

    public int count() {
        return header.count();
    }

    public int codebookSize() {
        return header.codebookSize();
    }

    public int tokensPerImage() {
        return header.tokensPerImage();
    }

    /** Writes the {@code h*w} codes of image {@code i} into {@code dst[offset ..]}; a code outside [0, K) is a corrupt file. */
    public void codes(int i, long[] dst, int offset) {
        Objects.checkIndex(i, header.count());
        MappedByteBuffer seg = segments[i / imagesPerSegment];
        int n = header.tokensPerImage();
        int pos = (i % imagesPerSegment) * n * header.codeBytes();
        int k = header.codebookSize();
        for (int j = 0; j < n; j++) {
            long c = header.codeBytes() == 2 ? seg.getShort(pos + 2 * j) : seg.getInt(pos + 4 * j);
            if (c < 0 || c >= k) {
                throw new UserException("tokens file " + path + " is corrupt: image " + i + " has code " + c
                        + " outside [0, " + k + ")");
            }
            dst[offset + j] = c;
        }
    }

    /** Class label of image {@code i}. */
    public int label(int i) {
        Objects.checkIndex(i, header.count());
        int l = labels.getInt(4 * i);
        if (l < 0 || l >= Math.max(1, header.labelClasses())) {
            throw new UserException("tokens file " + path + " is corrupt: image " + i + " has label " + l
                    + " outside [0, " + Math.max(1, header.labelClasses()) + ")");
        }
        return l;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts writing {@code target}: images are appended in order, the file appears only on {@link Writer#commit()}. */
    public static Writer create(Path target, Header header) {
        return new Writer(target, header);
    }

    /**
     * Streams codes into a temporary file next to the target; labels are kept in memory (4 bytes
     * per image) and appended on {@link #commit()}, which renames the file into place. Closing
     * without commit deletes the temporary file and leaves any existing target untouched.
     */
    public static final class Writer implements TokenWriter {

        private final Path target;
        private final Header header;
        private final Path tmp;
        private final OutputStream out;
        private final int[] labelValues;
        private final ByteBuffer buffer;
        private int written;
        private boolean committed;

        private Writer(Path target, Header header) {
            this.target = target;
            this.header = header;
            this.labelValues = new int[header.count()];
            this.buffer = ByteBuffer.allocate(Math.max(HEADER_BYTES, header.tokensPerImage() * header.codeBytes()))
                    .order(ByteOrder.LITTLE_ENDIAN);
            try {
                Path parent = target.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                tmp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
                out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                buffer.put(MAGIC.getBytes(StandardCharsets.ISO_8859_1))
                        .putInt(VERSION)
                        .putInt(header.codebookSize())
                        .putInt(header.gridHeight())
                        .putInt(header.gridWidth())
                        .putInt(header.count())
                        .putInt(header.labelClasses())
                        .putInt(header.codeBytes());
                flushBuffer();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void append(long[] codes, int[] labels, int images) {
            int n = header.tokensPerImage();
            if (written + images > header.count()) {
                throw new IllegalStateException("more than the declared " + header.count() + " images");
            }
            try {
                for (int i = 0; i < images; i++) {
                    for (int j = 0; j < n; j++) {
                        long c = header.requireCode(codes[i * n + j]);
                        if (header.codeBytes() == 2) {
                            buffer.putShort((short) c);
                        } else {
                            buffer.putInt((int) c);
                        }
                    }
                    flushBuffer();
                    labelValues[written++] = labels[i];
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
            }
        }

        /** Writes the labels and renames the file into place; all declared images must have been appended. */
        @Override
        public void commit() {
            if (written != header.count()) {
                throw new IllegalStateException("wrote " + written + " of the declared " + header.count() + " images");
            }
            try {
                ByteBuffer b = ByteBuffer.allocate(4 * labelValues.length).order(ByteOrder.LITTLE_ENDIAN);
                for (int l : labelValues) {
                    b.putInt(l);
                }
                out.write(b.array());
                out.close();
                AtomicFiles.move(tmp, target);
                committed = true;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
            }
        }

        private void flushBuffer() throws IOException {
            out.write(buffer.array(), 0, buffer.position());
            buffer.clear();
        }

        @Override
        public void close() {
            try {
                out.close();
                if (!committed) {
                    Files.deleteIfExists(tmp);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
