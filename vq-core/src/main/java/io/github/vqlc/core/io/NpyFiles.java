package io.github.vqlc.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files, readable with {@code numpy.load} alone. Reading ({@link #inspect} for
 * the header, {@link ArrayLayout#read} for the values) accepts format versions 1-3, little- or
 * big-endian, C or Fortran order, float16/32/64 and int32/64. Writing ({@link #write}) produces
 * version 1.0, little-endian, C order, atomically; {@link #header} lets a caller stream a large
 * array batch by batch after it.
 */
public final class NpyFiles {

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyFiles() {}

    /** Whether {@code head}, the first bytes of a file, start with the {@code .npy} magic. */
    public static boolean isNpy(byte[] head) {
        return head.length >= MAGIC.length && Arrays.equals(Arrays.copyOf(head, MAGIC.length), MAGIC);
    }

    /**
     * Reads the header of {@code file}. An element type other than those listed in the class
     * comment is reported through a layout whose type is {@link DataType#UNKNOWN}, for the caller
     * to name.
     *
     * @throws UserException naming the file when it is not a readable {@code .npy} file
     */
    public static ArrayLayout inspect(Path file) {
        return inspect(file, "file");
    }

    /** As {@link #inspect(Path)}, messages calling the file {@code what} (e.g. "codebook file"). */
    static ArrayLayout inspect(Path file, String what) {
        String header;
        long dataOffset;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] pre = in.readNBytes(MAGIC.length + 2);
            if (!isNpy(pre)) {
                throw new UserException(what + " " + file + " is not a .npy file (no NUMPY magic)");
            }
            int major = pre.length == MAGIC.length + 2 ? pre[MAGIC.length] : -1;
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
                throw new UserException(what + " " + file + ": unsupported .npy format version " + major);
            }
            if (headerLength < 0 || dataOffset > Files.size(file)) {
                throw new UserException(what + " " + file + ": corrupt .npy header");
            }
            header = new String(
                    in.readNBytes(headerLength), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UserException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shape.find()) {
            throw new UserException(what + " " + file + ": corrupt .npy header " + header.trim());
        }
        String d = descr.group(1);
        ByteOrder order = d.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        DataType type = switch (d.replaceFirst("^[<>=|]", "")) {
            case "f2" -> DataType.FLOAT16;
            case "f4" -> DataType.FLOAT32;
            case "f8" -> DataType.FLOAT64;
            case "i4" -> DataType.INT32;
            case "i8" -> DataType.INT64;
            default -> DataType.UNKNOWN;
        };
        Shape s = new Shape(parseDims(file, what, shape.group(1)));
        return new ArrayLayout(
                file,
                "npy",
                s,
                type,
                "'" + d + "'",
                dataOffset,
                order,
                fortran.group(1).equals("True"));
    }

    /**
     * Writes {@code array} (float32, or int32/int64, any shape) as a version 1.0 little-endian
     * C-order {@code .npy} file; other floating types are written as float32. Atomic (temp file +
     * rename).
     */
    public static void write(Path file, NDArray array) {
        DataType type = array.getDataType();
        NDArray values = type == DataType.INT64 || type == DataType.INT32 || type == DataType.FLOAT32
                ? array
                : array.toType(DataType.FLOAT32, false);
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("writing .npy needs a little-endian platform");
        }
        byte[] data = values.toByteArray(); // native order, little-endian as checked
        byte[] head = header(values.getDataType(), values.getShape().getShape());
        if (values != array) {
            values.close();
        }
        AtomicFiles.write(file, out -> {
            out.write(head);
            out.write(data);
        });
    }

    /**
     * The bytes of a version 1.0 {@code .npy} header for a little-endian C-order array of {@code
     * type} (float32, int32 or int64) and {@code shape}; the values (product of shape x element
     * bytes) follow it.
     */
    public static byte[] header(DataType type, long... shape) {
        String descr = switch (type) {
            case FLOAT32 -> "<f4";
            case INT32 -> "<i4";
            case INT64 -> "<i8";
            default -> throw new IllegalArgumentException("cannot write .npy of " + type);
        };
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String tuple = shape.length == 1 ? dims.toString().trim() : dims.substring(0, Math.max(0, dims.length() - 2));
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + tuple + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String text = dict + " ".repeat(padding) + "\n";
        int len = text.length();
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + len);
        b.put(MAGIC).put(new byte[] {1, 0, (byte) (len & 0xff), (byte) (len >>> 8)});
        b.put(text.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    private static long[] parseDims(Path file, String what, String text) {
        List<Long> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                dims.add(Long.parseLong(p.replaceFirst("L$", "")));
            } catch (NumberFormatException e) {
                throw new UserException(what + " " + file + ": corrupt .npy shape (" + text + ")", e);
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }
}
