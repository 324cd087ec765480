package io.github.vqlc.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Codebook files: one (K, D) floating-point matrix, row k = code k, in NumPy {@code .npy} ({@link
 * NpyFiles}) or {@code .safetensors} ({@link SafetensorsFiles}) format, so codebooks move freely
 * between this project and NumPy/PyTorch.
 *
 * <p>Reading accepts float32, float16 and float64 (converted to float32), little- or big-endian
 * {@code .npy} in C or Fortran order (format versions 1-3), and a {@code .safetensors} file
 * holding exactly one tensor or a tensor named {@code codebook}. The format is recognized by its
 * magic bytes, not by the file name. Every problem a user can cause (missing file, unknown format,
 * rank other than 2, empty matrix, unsupported dtype, truncated data, NaN or infinite entries)
 * is a {@link UserException} whose one-line message names the file and the shapes involved.
 *
 * <p>{@link #inspect} reads only the header (cheap even for a 100,000 x 768 codebook), so a
 * factory can check the shape before any tensor is allocated; {@link #read} loads the values.
 * Writing ({@link #writeNpy}) produces little-endian float32 C-order {@code .npy} (version 1.0),
 * atomically.
 */
public final class CodebookFiles {

    /** Name preferred in a {@code .safetensors} file holding several tensors. */
    public static final String SAFETENSORS_NAME = "codebook";

    private static final String WHAT = "codebook file";
    private static final Set<DataType> FLOATS = Set.of(DataType.FLOAT16, DataType.FLOAT32, DataType.FLOAT64);

    private CodebookFiles() {}

    /**
     * What a codebook file's header says.
     *
     * @param file the file
     * @param format {@code "npy"} or {@code "safetensors"}
     * @param shape (K, D)
     * @param dataType element type stored in the file (float16, float32 or float64)
     */
    public record Info(Path file, String format, Shape shape, DataType dataType) {

        /** Number of codes K. */
        public long rows() {
            return shape.get(0);
        }

        /** Width D of each code. */
        public long columns() {
            return shape.get(1);
        }
    }

    /**
     * Reads the header only and checks it describes a non-empty 2-D floating-point matrix whose
     * data fits in the file.
     *
     * @throws UserException naming the file on any problem
     */
    public static Info inspect(Path file) {
        ArrayLayout l = layout(file);
        return new Info(file, l.format(), l.shape(), l.dataType());
    }

    /**
     * Loads the matrix as a contiguous float32 (K, D) array owned by {@code manager} (its own
     * memory, not a view of a Java buffer), after checking that every value is finite.
     *
     * @throws UserException naming the file and shape on any problem
     */
    public static NDArray read(NDManager manager, Path file) {
        ArrayLayout layout = layout(file);
        NDArray result;
        try (NDManager scratch = manager.newSubManager()) {
            NDArray stored = layout.read(scratch, WHAT);
            result = stored.toType(DataType.FLOAT32, false);
            checkFinite(file, layout.shape(), result);
            result.attach(manager);
        }
        return result;
    }

    /**
     * Writes {@code matrix} (K, D), converted to float32, as a version 1.0 little-endian C-order
     * {@code .npy} file; atomic (temp file + rename).
     */
    public static void writeNpy(Path file, NDArray matrix) {
        if (matrix.getShape().dimension() != 2) {
            throw new IllegalArgumentException("a codebook is a (K, D) matrix, got " + matrix.getShape());
        }
        NpyFiles.write(file, matrix.toType(DataType.FLOAT32, false));
    }

    private static ArrayLayout layout(Path file) {
        long size;
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            size = Files.size(file);
            head = in.readNBytes(8);
        } catch (NoSuchFileException e) {
            throw new UserException(WHAT + " not found: " + file, e);
        } catch (IOException e) {
            throw new UserException("cannot read " + WHAT + " " + file + ": " + e.getMessage(), e);
        }
        if (head.length < 8) {
            throw new UserException(
                    WHAT + " " + file + " is not a .npy or .safetensors file (only " + head.length + " bytes)");
        }
        ArrayLayout layout;
        if (NpyFiles.isNpy(head)) {
            layout = NpyFiles.inspect(file, WHAT);
            checkMatrix(file, layout.shape());
        } else if (SafetensorsFiles.looksLikeSafetensors(head, size)) {
            Map<String, ArrayLayout> tensors = SafetensorsFiles.inspect(file, WHAT);
            String chosen;
            if (tensors.size() == 1) {
                chosen = tensors.keySet().iterator().next();
            } else if (tensors.containsKey(SAFETENSORS_NAME)) {
                chosen = SAFETENSORS_NAME;
            } else {
                throw new UserException(WHAT + " " + file + " holds " + tensors.size() + " tensors " + tensors.keySet()
                        + "; expected one tensor, or one named '" + SAFETENSORS_NAME + "'");
            }
            layout = tensors.get(chosen);
            checkMatrix(file, layout.shape());
        } else {
            throw new UserException(
                    WHAT + " " + file + " is neither .npy (no NUMPY magic) nor .safetensors (no valid header length)");
        }
        if (!FLOATS.contains(layout.dataType())) {
            throw new UserException(
                    WHAT + " " + file + ": " + ArrayLayout.shapeText(layout.shape()) + " array of unsupported dtype "
                            + layout.storedType() + "; expected float32 (float16 and float64 are converted)");
        }
        if (layout.dataOffset() + layout.dataBytes() > size) {
            throw new UserException(WHAT + " " + file + " is truncated: " + ArrayLayout.shapeText(layout.shape()) + " "
                    + ArrayLayout.typeName(layout.dataType()) + " needs " + layout.dataBytes()
                    + " bytes of data, the file has " + Math.max(0, size - layout.dataOffset()));
        }
        return layout;
    }

    private static void checkMatrix(Path file, Shape s) {
        if (s.dimension() != 2) {
            throw new UserException(WHAT + " " + file + " holds an array of shape " + ArrayLayout.shapeText(s)
                    + "; expected a 2-D (K, D) matrix, one row per code");
        }
        if (s.get(0) < 1 || s.get(1) < 1) {
            throw new UserException(WHAT + " " + file + " holds an empty matrix " + ArrayLayout.shapeText(s)
                    + "; expected (K, D) with K, D >= 1");
        }
    }

    private static void checkFinite(Path file, Shape shape, NDArray values) {
        NDArray bad = values.isNaN().logicalOr(values.isInfinite());
        long count = bad.sum().getLong();
        if (count > 0) {
            long first = bad.flatten().toType(DataType.INT32, false).argMax().getLong();
            long d = shape.get(1);
            throw new UserException(WHAT + " " + file + ": " + ArrayLayout.shapeText(shape) + " matrix has " + count
                    + " NaN or infinite value(s), the first at row " + first / d + ", column " + first % d);
        }
    }
}
