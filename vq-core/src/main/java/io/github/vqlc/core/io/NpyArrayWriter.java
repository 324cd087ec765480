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
import java.util.Arrays;

/**
 * Streams the rows of one (N, ...) float32 or int64 {@code .npy} array into a temporary file beside
 * its target: the file appears on {@link #commit()} with all N rows, or not at all (closing
 * without a commit deletes the temporary file), so an interrupted run leaves nothing half-written
 * under the final name and an existing file untouched.
 */
public final class NpyArrayWriter implements AutoCloseable {

    private final Path target;
    private final Path tmp;
    private final OutputStream out;
    private final DataType type;
    private final long rows;
    private final int rowSize;
    private final ByteBuffer buffer;
    private long written;
    private boolean committed;

    private NpyArrayWriter(Path target, DataType type, long[] shape) {
        if (type != DataType.FLOAT32 && type != DataType.INT64) {
            throw new IllegalArgumentException("streams float32 or int64, not " + type);
        }
        if (shape.length < 1) {
            throw new IllegalArgumentException("an array of rows needs a shape (N, ...)");
        }
        this.target = target;
        this.type = type;
        this.rows = shape[0];
        this.rowSize = Math.toIntExact(Arrays.stream(shape).skip(1).reduce(1, (a, b) -> a * b));
        this.buffer = ByteBuffer.allocate(rowSize * type.getNumOfBytes()).order(ByteOrder.LITTLE_ENDIAN);
        try {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            tmp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
            out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
            out.write(NpyFiles.header(type, shape));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** A writer of a {@code type} (float32 or int64) array of {@code shape} (N, ...) to {@code target}. */
    public static NpyArrayWriter create(Path target, DataType type, long... shape) {
        return new NpyArrayWriter(target, type, shape);
    }

    /** Whole rows of float32 values, row after row. */
    public void append(float[] values) {
        requireType(DataType.FLOAT32, values.length);
        for (int r = 0; r < values.length / rowSize; r++) {
            buffer.clear();
            for (int j = 0; j < rowSize; j++) {
                buffer.putFloat(values[r * rowSize + j]);
            }
            writeRow();
        }
    }

    /** Whole rows of int64 values, row after row. */
    public void append(long[] values) {
        requireType(DataType.INT64, values.length);
        for (int r = 0; r < values.length / rowSize; r++) {
            buffer.clear();
            for (int j = 0; j < rowSize; j++) {
                buffer.putLong(values[r * rowSize + j]);
            }
            writeRow();
        }
    }

    private void requireType(DataType expected, int length) {
        if (type != expected) {
            throw new IllegalArgumentException("this array holds " + type + ", not " + expected);
        }
        if (length % rowSize != 0) {
            throw new IllegalArgumentException(length + " values are not whole rows of " + rowSize);
        }
        if (written + length / rowSize > rows) {
            throw new IllegalStateException("more than the declared " + rows + " rows");
        }
    }

    private void writeRow() {
        try {
            out.write(buffer.array(), 0, buffer.position());
            written++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Moves the complete file to its target; every declared row must have been written. */
    public void commit() {
        if (written != rows) {
            throw new IllegalStateException("wrote " + written + " of the declared " + rows + " rows");
        }
        try {
            out.close();
            AtomicFiles.move(tmp, target);
            committed = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
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
