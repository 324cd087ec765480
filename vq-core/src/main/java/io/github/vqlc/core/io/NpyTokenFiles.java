package io.github.vqlc.core.io;

import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

        private final Path labelsTarget;
        private final TokenFile.Header header;
        private final NpyArrayWriter codes;
        private final long[] labelValues;
        private int written;

        private Writer(Path codes, Path labels, TokenFile.Header header) {
            this.labelsTarget = labels;
            this.header = header;
            this.labelValues = new long[header.count()];
            this.codes = NpyArrayWriter.create(
                    codes, DataType.INT64, header.count(), header.gridHeight(), header.gridWidth());
        }

        @Override
        public void append(long[] codes, int[] labels, int images) {
            int n = header.tokensPerImage();
            if (written + images > header.count()) {
                throw new IllegalStateException("more than the declared " + header.count() + " images");
            }
            long[] checked = new long[images * n];
            for (int i = 0; i < checked.length; i++) {
                checked[i] = header.requireCode(codes[i]);
            }
            this.codes.append(checked);
            for (int i = 0; i < images; i++) {
                labelValues[written++] = labels[i];
            }
        }

        @Override
        public void commit() {
            if (written != header.count()) {
                throw new IllegalStateException("wrote " + written + " of the declared " + header.count() + " images");
            }
            ByteBuffer b = ByteBuffer.allocate(8 * labelValues.length).order(ByteOrder.LITTLE_ENDIAN);
            for (long l : labelValues) {
                b.putLong(l);
            }
            byte[] head = NpyFiles.header(DataType.INT64, labelValues.length);
            AtomicFiles.write(labelsTarget, o -> {
                o.write(head);
                o.write(b.array());
            });
            codes.commit();
        }

        @Override
        public void close() {
            codes.close();
        }
    }
}
