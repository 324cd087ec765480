package io.github.vqlc.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code .safetensors} files (Hugging Face's format: an 8-byte header length, a JSON header naming
 * each tensor's dtype, shape and byte range, then the raw little-endian values), interoperable
 * with PyTorch's {@code safetensors.torch.load_file}. Reading the header ({@link #inspect}) never
 * touches the values; {@link ArrayLayout#read} loads one tensor. Writing ({@link #write}) goes
 * through DJL's encoder, atomically.
 */
public final class SafetensorsFiles {

    private static final long MAX_HEADER_BYTES = 100L << 20;

    private SafetensorsFiles() {}

    /**
     * Whether {@code head} (the first 8 bytes) and the file's {@code size} are those of a
     * {@code .safetensors} file: a plausible little-endian header length.
     */
    public static boolean looksLikeSafetensors(byte[] head, long size) {
        if (head.length < 8) {
            return false;
        }
        long headerLength = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return headerLength >= 2 && headerLength <= MAX_HEADER_BYTES && 8 + headerLength <= size;
    }

    /**
     * The tensors of {@code file} by name (sorted), from its header. A dtype other than F16, F32,
     * F64, I32 and I64 gives a layout of type {@link DataType#UNKNOWN}.
     *
     * @throws UserException naming the file when it is not a readable {@code .safetensors} file
     */
    public static Map<String, ArrayLayout> inspect(Path file) {
        return inspect(file, "file");
    }

    /** As {@link #inspect(Path)}, messages calling the file {@code what}. */
    static Map<String, ArrayLayout> inspect(Path file, String what) {
        JsonObject header;
        int headerLength;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(8);
            if (!looksLikeSafetensors(head, Files.size(file))) {
                throw new UserException(what + " " + file + " is not a .safetensors file (no valid header length)");
            }
            headerLength =
                    (int) ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong();
            String json = new String(in.readNBytes(headerLength), StandardCharsets.UTF_8);
            JsonElement parsed = JsonParser.parseString(json);
            if (!parsed.isJsonObject()) {
                throw new IllegalStateException("header is not a JSON object");
            }
            header = parsed.getAsJsonObject();
        } catch (IOException e) {
            throw new UserException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        } catch (UserException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UserException(
                    what + " " + file + " is not a readable .safetensors file (" + e.getMessage() + ")", e);
        }
        Map<String, ArrayLayout> tensors = new TreeMap<>();
        for (String name : header.keySet()) {
            if (name.equals("__metadata__")) {
                continue;
            }
            try {
                JsonObject t = header.getAsJsonObject(name);
                List<Long> dims = new ArrayList<>();
                t.getAsJsonArray("shape").forEach(e -> dims.add(e.getAsLong()));
                long begin = t.getAsJsonArray("data_offsets").get(0).getAsLong();
                long end = t.getAsJsonArray("data_offsets").get(1).getAsLong();
                Shape s = new Shape(dims.stream().mapToLong(Long::longValue).toArray());
                String dtype = t.get("dtype").getAsString();
                DataType type = switch (dtype.toUpperCase(Locale.ROOT)) {
                    case "F16" -> DataType.FLOAT16;
                    case "F32" -> DataType.FLOAT32;
                    case "F64" -> DataType.FLOAT64;
                    case "I32" -> DataType.INT32;
                    case "I64" -> DataType.INT64;
                    default -> DataType.UNKNOWN;
                };
                if (type != DataType.UNKNOWN && end - begin != s.size() * type.getNumOfBytes()) {
                    throw new UserException(what + " " + file + ": tensor '" + name + "' " + ArrayLayout.shapeText(s)
                            + " " + dtype + " should span " + s.size() * type.getNumOfBytes()
                            + " bytes but its data_offsets span " + (end - begin));
                }
                tensors.put(
                        name,
                        new ArrayLayout(
                                file,
                                "safetensors",
                                s,
                                type,
                                dtype,
                                8L + headerLength + begin,
                                ByteOrder.LITTLE_ENDIAN,
                                false));
            } catch (UserException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new UserException(
                        what + " " + file + ": corrupt .safetensors entry '" + name + "' (" + e.getMessage() + ")", e);
            }
        }
        return Collections.unmodifiableMap(tensors);
    }

    /** Writes {@code tensors} (name -> array) as a {@code .safetensors} file, atomically. */
    public static void write(Path file, Map<String, NDArray> tensors) {
        NDList list = new NDList();
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            names.add(a.getName()); // DJL's encoder takes the names from the arrays: lent, then given back
            a.setName(e.getKey());
            list.add(a);
        }
        try {
            AtomicFiles.write(file, out -> list.encode(out, NDList.Encoding.SAFETENSORS));
        } finally {
            for (int i = 0; i < list.size(); i++) {
                list.get(i).setName(names.get(i));
            }
        }
    }
}
