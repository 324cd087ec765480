package io.github.vqlc.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.vqlc.core.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Codebook files: one (K, D) floating-point matrix, row k = code k, in NumPy {@code .npy} or
 * {@code .safetensors} format, so codebooks move freely between this project and NumPy/PyTorch.
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

    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final long MAX_HEADER_BYTES = 100L << 20;
    private static final Pattern NPY_DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern NPY_FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern NPY_SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

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

    /** Where the values of a matrix lie in its file. */
    private record Layout(Info info, long dataOffset, ByteOrder order, boolean fortranOrder) {}

    /**
     * Reads the header only and checks it describes a non-empty 2-D floating-point matrix whose
     * data fits in the file.
     *
     * @throws UserException naming the file on any problem
     */
    public static Info inspect(Path file) {
        return layout(file).info();
    }

    /**
     * Loads the matrix as a contiguous float32 (K, D) array owned by {@code manager} (its own
     * memory, not a view of a Java buffer), after checking that every value is finite.
     *
     * @throws UserException naming the file and shape on any problem
     */
    public static NDArray read(NDManager manager, Path file) {
        Layout layout = layout(file);
        Info info = layout.info();
        long k = info.rows();
        long d = info.columns();
        long bytes = k * d * info.dataType().getNumOfBytes();
        if (bytes > Integer.MAX_VALUE - 64) {
            throw new UserException("codebook file " + file + ": " + shapeText(info.shape()) + " "
                    + name(info.dataType()) + " is " + bytes
                    + " bytes, more than one read buffer can hold (2 GiB); store it as float32 or float16");
        }
        NDArray result;
        try (NDManager scratch = manager.newSubManager()) {
            ByteBuffer buffer = scratch.allocateDirect((int) bytes);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long pos = layout.dataOffset();
                while (buffer.hasRemaining()) {
                    int n = ch.read(buffer, pos);
                    if (n < 0) {
                        throw new UserException("codebook file " + file + " is truncated: " + shapeText(info.shape())
                                + " needs " + bytes + " bytes of data");
                    }
                    pos += n;
                }
            } catch (IOException e) {
                throw new UserException("cannot read codebook file " + file + ": " + e.getMessage(), e);
            }
            buffer.flip();
            if (layout.order() == ByteOrder.BIG_ENDIAN && info.dataType().getNumOfBytes() > 1) {
                buffer = swapBytes(scratch, buffer, info.dataType().getNumOfBytes());
            }
            Shape stored = layout.fortranOrder() ? new Shape(d, k) : new Shape(k, d);
            NDArray raw = scratch.create(buffer, stored, info.dataType());
            NDArray oriented = layout.fortranOrder() ? raw.transpose() : raw;
            // flatten + reshape makes it C-contiguous; duplicate() is a copy that owns its memory
            // (raw only borrows the direct buffer, which is gone after this method)
            NDArray contiguous =
                    oriented.toType(DataType.FLOAT32, false).flatten().reshape(k, d);
            result = contiguous.duplicate();
            checkFinite(file, info, result);
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
        Shape s = matrix.getShape();
        float[] values = matrix.toType(DataType.FLOAT32, false).toFloatArray();
        AtomicFiles.write(file, out -> {
            out.write(npyFloat32Header(s.getShape()));
            ByteBuffer data = ByteBuffer.allocate(Math.multiplyExact(values.length, Float.BYTES))
                    .order(ByteOrder.LITTLE_ENDIAN);
            data.asFloatBuffer().put(values);
            out.write(data.array());
        });
    }

    /**
     * The bytes of a version 1.0 {@code .npy} header for a little-endian float32 C-order array of
     * {@code shape}; the data (product of shape x 4 bytes) follows it. Lets callers stream large arrays.
     */
    public static byte[] npyFloat32Header(long... shape) {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String tuple = shape.length == 1 ? dims.toString().trim() : dims.substring(0, Math.max(0, dims.length() - 2));
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + tuple + "), }";
        int unpadded = NPY_MAGIC.length + 2 + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        int len = header.length();
        ByteBuffer b = ByteBuffer.allocate(NPY_MAGIC.length + 4 + len);
        b.put(NPY_MAGIC).put(new byte[] {1, 0, (byte) (len & 0xff), (byte) (len >>> 8)});
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    // ---------------------------------------------------------------------------------------------

    private static Layout layout(Path file) {
        long size;
        byte[] head = new byte[8];
        try (InputStream in = Files.newInputStream(file)) {
            size = Files.size(file);
            int n = in.readNBytes(head, 0, head.length);
            if (n < head.length) {
                throw new UserException(
                        "codebook file " + file + " is not a .npy or .safetensors file (only " + n + " bytes)");
            }
        } catch (NoSuchFileException e) {
            throw new UserException("codebook file not found: " + file, e);
        } catch (IOException e) {
            throw new UserException("cannot read codebook file " + file + ": " + e.getMessage(), e);
        }
        Layout layout;
        if (startsWith(head, NPY_MAGIC)) {
            layout = npyLayout(file, size);
        } else {
            long headerLength =
                    ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
                throw new UserException("codebook file " + file
                        + " is neither .npy (no NUMPY magic) nor .safetensors (no valid header length)");
            }
            layout = safetensorsLayout(file, size, (int) headerLength);
        }
        Info info = layout.info();
        long needed = info.rows() * info.columns() * info.dataType().getNumOfBytes();
        if (layout.dataOffset() + needed > size) {
            throw new UserException("codebook file " + file + " is truncated: " + shapeText(info.shape()) + " "
                    + name(info.dataType()) + " needs " + needed + " bytes of data, the file has "
                    + Math.max(0, size - layout.dataOffset()));
        }
        return layout;
    }

    private static Layout npyLayout(Path file, long size) {
        String header;
        long dataOffset;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] pre = in.readNBytes(NPY_MAGIC.length + 2);
            int major = pre.length == NPY_MAGIC.length + 2 ? pre[NPY_MAGIC.length] : -1;
            int headerLength;
            if (major == 1) {
                byte[] len = in.readNBytes(2);
                headerLength = (len[0] & 0xff) | (len[1] & 0xff) << 8;
                dataOffset = 10L + headerLength;
            } else if (major == 2 || major == 3) {
                byte[] len = in.readNBytes(4);
                headerLength =
                        ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt();
                dataOffset = 12L + headerLength;
            } else {
                throw new UserException("codebook file " + file + ": unsupported .npy format version " + major);
            }
            if (headerLength < 0 || dataOffset > size) {
                throw new UserException("codebook file " + file + ": corrupt .npy header");
            }
            header = new String(
                    in.readNBytes(headerLength), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UserException("cannot read codebook file " + file + ": " + e.getMessage(), e);
        }
        Matcher descr = NPY_DESCR.matcher(header);
        Matcher fortran = NPY_FORTRAN.matcher(header);
        Matcher shape = NPY_SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shape.find()) {
            throw new UserException("codebook file " + file + ": corrupt .npy header " + header.trim());
        }
        String d = descr.group(1);
        ByteOrder order = d.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        String kind = d.replaceFirst("^[<>=|]", "");
        DataType type = switch (kind) {
            case "f2" -> DataType.FLOAT16;
            case "f4" -> DataType.FLOAT32;
            case "f8" -> DataType.FLOAT64;
            default -> null;
        };
        long[] dims = parseDims(file, shape.group(1));
        Shape s = new Shape(dims);
        checkMatrix(file, s);
        if (type == null) {
            throw new UserException("codebook file " + file + ": " + shapeText(s) + " array of unsupported dtype '" + d
                    + "'; expected float32 (float16 and float64 are converted)");
        }
        Info info = new Info(file, "npy", s, type);
        return new Layout(info, dataOffset, order, fortran.group(1).equals("True"));
    }

    private static Layout safetensorsLayout(Path file, long size, int headerLength) {
        JsonObject header;
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(8);
            String json = new String(in.readNBytes(headerLength), StandardCharsets.UTF_8);
            JsonElement parsed = JsonParser.parseString(json);
            if (!parsed.isJsonObject()) {
                throw new IllegalStateException("header is not a JSON object");
            }
            header = parsed.getAsJsonObject();
        } catch (IOException e) {
            throw new UserException("cannot read codebook file " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof UserException u) {
                throw u;
            }
            throw new UserException(
                    "codebook file " + file + " is neither .npy (no NUMPY magic) nor a readable .safetensors file ("
                            + e.getMessage() + ")",
                    e);
        }
        TreeSet<String> names = new TreeSet<>(header.keySet());
        names.remove("__metadata__");
        String chosen;
        if (names.size() == 1) {
            chosen = names.first();
        } else if (names.contains(SAFETENSORS_NAME)) {
            chosen = SAFETENSORS_NAME;
        } else {
            throw new UserException("codebook file " + file + " holds " + names.size() + " tensors " + names
                    + "; expected one tensor, or one named '" + SAFETENSORS_NAME + "'");
        }
        try {
            JsonObject t = header.getAsJsonObject(chosen);
            String dtype = t.get("dtype").getAsString();
            List<Long> dims = new ArrayList<>();
            t.getAsJsonArray("shape").forEach(e -> dims.add(e.getAsLong()));
            long begin = t.getAsJsonArray("data_offsets").get(0).getAsLong();
            long end = t.getAsJsonArray("data_offsets").get(1).getAsLong();
            Shape s = new Shape(dims.stream().mapToLong(Long::longValue).toArray());
            checkMatrix(file, s);
            DataType type = switch (dtype.toUpperCase(Locale.ROOT)) {
                case "F16" -> DataType.FLOAT16;
                case "F32" -> DataType.FLOAT32;
                case "F64" -> DataType.FLOAT64;
                default -> null;
            };
            if (type == null) {
                throw new UserException("codebook file " + file + ": tensor '" + chosen + "' " + shapeText(s)
                        + " has unsupported dtype " + dtype + "; expected F32 (F16 and F64 are converted)");
            }
            long needed = s.size() * type.getNumOfBytes();
            if (end - begin != needed) {
                throw new UserException("codebook file " + file + ": tensor '" + chosen + "' " + shapeText(s) + " "
                        + dtype + " should span " + needed + " bytes but its data_offsets span " + (end - begin));
            }
            return new Layout(
                    new Info(file, "safetensors", s, type), 8L + headerLength + begin, ByteOrder.LITTLE_ENDIAN, false);
        } catch (UserException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UserException(
                    "codebook file " + file + ": corrupt .safetensors entry '" + chosen + "' (" + e.getMessage() + ")",
                    e);
        }
    }

    private static long[] parseDims(Path file, String text) {
        List<Long> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                dims.add(Long.parseLong(p.replaceFirst("L$", "")));
            } catch (NumberFormatException e) {
                throw new UserException("codebook file " + file + ": corrupt .npy shape (" + text + ")", e);
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private static void checkMatrix(Path file, Shape s) {
        if (s.dimension() != 2) {
            throw new UserException("codebook file " + file + " holds an array of shape " + shapeText(s)
                    + "; expected a 2-D (K, D) matrix, one row per code");
        }
        if (s.get(0) < 1 || s.get(1) < 1) {
            throw new UserException("codebook file " + file + " holds an empty matrix " + shapeText(s)
                    + "; expected (K, D) with K, D >= 1");
        }
    }

    private static void checkFinite(Path file, Info info, NDArray values) {
        NDArray bad = values.isNaN().logicalOr(values.isInfinite());
        long count = bad.sum().getLong();
        if (count > 0) {
            long first = bad.flatten().toType(DataType.INT32, false).argMax().getLong();
            long d = info.columns();
            throw new UserException("codebook file " + file + ": " + shapeText(info.shape()) + " matrix has " + count
                    + " NaN or infinite value(s), the first at row " + first / d + ", column " + first % d);
        }
    }

    private static ByteBuffer swapBytes(NDManager manager, ByteBuffer big, int width) {
        ByteBuffer little = manager.allocateDirect(big.remaining());
        byte[] element = new byte[width];
        while (big.hasRemaining()) {
            big.get(element);
            for (int i = width - 1; i >= 0; i--) {
                little.put(element[i]);
            }
        }
        little.flip();
        return little;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(Arrays.copyOf(bytes, prefix.length), prefix);
    }

    /** (K, D) with a comma, as NumPy prints shapes. */
    public static String shapeText(Shape s) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < s.dimension(); i++) {
            b.append(i > 0 ? ", " : "").append(s.get(i));
        }
        return b.append(s.dimension() == 1 ? ",)" : ")").toString();
    }

    private static String name(DataType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }
}
