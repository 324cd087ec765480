package io.github.vqlc.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.UserException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Where one array's values lie in a file, as its header says ({@link NpyFiles#inspect}, {@link
 * SafetensorsFiles#inspect}): enough to check a shape before any memory is allocated, and to load
 * the values with {@link #read}.
 *
 * @param file the file
 * @param format {@code "npy"} or {@code "safetensors"}
 * @param shape the array's shape
 * @param dataType the element type stored in the file ({@link DataType#UNKNOWN} for one vqlc does
 *     not read)
 * @param storedType the type as the file writes it ({@code <f4}, {@code F32}), for messages
 * @param dataOffset where the values start
 * @param order byte order of the stored values
 * @param fortranOrder whether the values are stored column-major
 */
public record ArrayLayout(
        Path file,
        String format,
        Shape shape,
        DataType dataType,
        String storedType,
        long dataOffset,
        ByteOrder order,
        boolean fortranOrder) {

    /** Bytes of the stored values. */
    public long dataBytes() {
        return shape.size() * dataType.getNumOfBytes();
    }

    /**
     * Loads the values as a contiguous, C-ordered array of the stored type in native byte order,
     * owned by {@code manager} (its own memory, not a view of a Java buffer).
     *
     * @param what what the file holds, for messages ("codebook file")
     * @throws UserException naming the file when it cannot be read or is shorter than its header says
     */
    public NDArray read(NDManager manager, String what) {
        long bytes = dataBytes();
        if (bytes > Integer.MAX_VALUE - 64) {
            throw new UserException(what + " " + file + ": " + shapeText(shape) + " " + typeName(dataType) + " is "
                    + bytes + " bytes, more than one read buffer can hold (2 GiB)");
        }
        NDArray result;
        try (NDManager scratch = manager.newSubManager()) {
            ByteBuffer buffer = scratch.allocateDirect((int) bytes);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long pos = dataOffset;
                while (buffer.hasRemaining()) {
                    int n = ch.read(buffer, pos);
                    if (n < 0) {
                        throw new UserException(what + " " + file + " is truncated: " + shapeText(shape) + " needs "
                                + bytes + " bytes of data");
                    }
                    pos += n;
                }
            } catch (IOException e) {
                throw new UserException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
            }
            buffer.flip();
            int width = dataType.getNumOfBytes();
            if (order != ByteOrder.nativeOrder() && width > 1) {
                buffer = swapBytes(scratch, buffer, width);
            }
            long[] dims = shape.getShape();
            NDArray raw = scratch.create(buffer, fortranOrder ? new Shape(reversed(dims)) : shape, dataType);
            NDArray oriented = fortranOrder && dims.length > 1 ? raw.transpose() : raw;
            // flatten + reshape makes it C-contiguous; duplicate() is a copy that owns its memory
            // (raw only borrows the direct buffer, which is gone after this method)
            result = oriented.flatten().reshape(shape).duplicate();
            result.attach(manager);
        }
        return result;
    }

    /** A shape as NumPy prints it: (K, D), (5,). */
    public static String shapeText(Shape s) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < s.dimension(); i++) {
            b.append(i > 0 ? ", " : "").append(s.get(i));
        }
        return b.append(s.dimension() == 1 ? ",)" : ")").toString();
    }

    static String typeName(DataType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }

    private static long[] reversed(long[] dims) {
        long[] r = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            r[i] = dims[dims.length - 1 - i];
        }
        return r;
    }

    private static ByteBuffer swapBytes(NDManager manager, ByteBuffer stored, int width) {
        ByteBuffer swapped = manager.allocateDirect(stored.remaining());
        byte[] element = new byte[width];
        while (stored.hasRemaining()) {
            stored.get(element);
            for (int i = width - 1; i >= 0; i--) {
                swapped.put(element[i]);
            }
        }
        swapped.flip();
        return swapped;
    }
}
