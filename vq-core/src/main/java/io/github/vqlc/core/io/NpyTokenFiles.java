package io.github.vqlc.core.io;

import ai.djl.ndarray.types.DataType;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tokens as two {@code .npy} files that {@code numpy.load} reads alone: the codes, int64 (N, H, W),
 * and the labels, int64 (N). Codes stream into a temporary file; both files appear on {@link
 * Writer#commit()}.
 */
public final class NpyTokenFiles {

    private NpyTokenFiles() {}

    public static Writer create(Path codes, Path labels, TokenFile.Header header) {
        return new Writer(codes, labels, header);
    }

    /** {@code tokens-<split>.npy} -> {@code labels-<split>.npy}: the labels file beside a codes file. */
    public static Path labelsBeside(Path codes) {
        String name = codes.getFileName().toString();
        String labels = name.startsWith("tokens") ? "labels" + name.substring("tokens".length()) : "labels-" + name;
        return codes.resolveSibling(labels);
    }

    public static final class Writer implements TokenWriter {

        private final Path codesTarget;
        private final Path labelsTarget;
        private final TokenFile.Header header;
        private final Path tmp;
        private final OutputStream out;
        private final long[] labelValues;
        private final ByteBuffer buffer;
        private int written;
        private boolean committed;

        private Writer(Path codes, Path labels, TokenFile.Header header) {
            this.codesTarget = codes;
            this.labelsTarget = labels;
            this.header = header;
            this.labelValues = new long[header.count()];
            this.buffer = ByteBuffer.allocate(8 * header.tokensPerImage()).order(ByteOrder.LITTLE_ENDIAN);
            try {
                Path parent = codes.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                tmp = Files.createTempFile(parent, "." + codes.getFileName(), ".tmp");
                out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                out.write(NpyFiles.header(DataType.INT64, header.count(), header.gridHeight(), header.gridWidth()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + codes + ": " + e.getMessage(), e);
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
                    buffer.clear();
                    for (int j = 0; j < n; j++) {
                        buffer.putLong(header.requireCode(codes[i * n + j]));
                    }
                    out.write(buffer.array(), 0, buffer.position());
                    labelValues[written++] = labels[i];
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + codesTarget + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void commit() {
            if (written != header.count()) {
                throw new IllegalStateException("wrote " + written + " of the declared " + header.count() + " images");
            }
            try {
                out.close();
                ByteBuffer b = ByteBuffer.allocate(8 * labelValues.length).order(ByteOrder.LITTLE_ENDIAN);
                for (long l : labelValues) {
                    b.putLong(l);
                }
                byte[] head = NpyFiles.header(DataType.INT64, labelValues.length);
                AtomicFiles.write(labelsTarget, o -> {
                    o.write(head);
                    o.write(b.array());
                });
                AtomicFiles.move(tmp, codesTarget);
                committed = true;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + codesTarget + ": " + e.getMessage(), e);
            }
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
