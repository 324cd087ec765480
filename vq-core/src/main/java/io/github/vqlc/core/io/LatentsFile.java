package io.github.vqlc.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.vqlc.core.UserException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A tokenizer's continuous latents of a split, for diffusion models ({@code vqlc latents}): three
 * files NumPy reads alone.
 *
 * <ul>
 *   <li>{@code latents-<split>.npy}: float32 (N, D, H, W), the encoder's output after its 1x1
 *       convolution, before quantization;
 *   <li>{@code latents-<split>-labels.npy}: int64 (N) class labels;
 *   <li>{@code latents-<split>.json}: {@code format = "vqlc-latents"}, {@code version}, {@code
 *       count}, {@code channels}, {@code height}, {@code width}, per-channel {@code mean} and
 *       {@code std} (over N, H, W; for normalizing), the split, the tokenizer's quantizer, codebook
 *       size and checkpoint step.
 * </ul>
 *
 * {@link #open} checks all three against each other (a truncated array, a header or a sidecar that
 * disagree: one line naming the file and both values).
 */
public final class LatentsFile {

    public static final String FORMAT = "vqlc-latents";
    public static final int VERSION = 1;

    private final Path file;
    private final ArrayLayout layout;
    private final JsonObject info;
    private final long[] labels;

    private LatentsFile(Path file, ArrayLayout layout, JsonObject info, long[] labels) {
        this.file = file;
        this.layout = layout;
        this.info = info;
        this.labels = labels;
    }

    /** {@code latents-<split>.npy} -> {@code latents-<split>.json}. */
    public static Path infoBeside(Path latents) {
        return latents.resolveSibling(stem(latents) + ".json");
    }

    /** {@code latents-<split>.npy} -> {@code latents-<split>-labels.npy}. */
    public static Path labelsBeside(Path latents) {
        return latents.resolveSibling(stem(latents) + "-labels.npy");
    }

    private static String stem(Path latents) {
        String name = latents.getFileName().toString();
        return name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
    }

    /** Opens and checks a latents file with its sidecar and labels. */
    public static LatentsFile open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("no latents file " + file + " (write one with `vqlc latents <tokenizer-run>`)");
        }
        ArrayLayout layout = NpyFiles.inspect(file, "latents file");
        Shape s = layout.shape();
        if (layout.dataType() != DataType.FLOAT32 || s.dimension() != 4 || layout.fortranOrder()) {
            throw new UserException("latents file " + file + " holds " + layout.storedType() + " " + s
                    + "; expected float32 (N, D, H, W) in C order");
        }
        long length = size(file);
        if (length != layout.dataOffset() + layout.dataBytes()) {
            throw new UserException("latents file " + file + " is "
                    + (length < layout.dataOffset() + layout.dataBytes() ? "truncated" : "corrupt")
                    + ": " + length + " bytes where its header " + s + " needs "
                    + (layout.dataOffset() + layout.dataBytes()));
        }
        Path infoFile = infoBeside(file);
        JsonObject info;
        try {
            info = JsonParser.parseString(Files.readString(infoFile)).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new UserException(
                    "latents file " + file + ": unreadable sidecar " + infoFile + " (" + e.getMessage() + ")");
        }
        String[] keys = {"count", "channels", "height", "width"};
        for (int i = 0; i < 4; i++) {
            long v = info.has(keys[i]) ? info.get(keys[i]).getAsLong() : -1;
            if (v != s.get(i)) {
                throw new UserException("latents file " + file + " is " + s + " but " + infoFile + " says " + keys[i]
                        + " = " + v + "; the two belong to different runs");
            }
        }
        Path labelsFile = labelsBeside(file);
        ArrayLayout labelsLayout = NpyFiles.inspect(labelsFile, "latents labels file");
        if (labelsLayout.dataType() != DataType.INT64
                || labelsLayout.shape().dimension() != 1
                || labelsLayout.shape().get(0) != s.get(0)) {
            throw new UserException("latents labels file " + labelsFile + " holds " + labelsLayout.storedType() + " "
                    + labelsLayout.shape() + "; expected int64 (" + s.get(0) + ")");
        }
        long[] labels;
        try (NDManager m = NDManager.newBaseManager()) {
            labels = labelsLayout.read(m, "latents labels file").toLongArray();
        }
        return new LatentsFile(file, layout, info, labels);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UserException("cannot read latents file " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    public int count() {
        return (int) layout.shape().get(0);
    }

    public int channels() {
        return (int) layout.shape().get(1);
    }

    public int height() {
        return (int) layout.shape().get(2);
    }

    public int width() {
        return (int) layout.shape().get(3);
    }

    public long label(int i) {
        return labels[i];
    }

    /** Label classes of the split the latents come from (0 = unlabelled). */
    public int classes() {
        return info.has("classes") ? info.get("classes").getAsInt() : 0;
    }

    /** Per-channel mean over N, H, W (D). */
    public float[] mean() {
        return JsonLines.floats(info.getAsJsonArray("mean"));
    }

    /** Per-channel standard deviation over N, H, W (D). */
    public float[] std() {
        return JsonLines.floats(info.getAsJsonArray("std"));
    }

    /** A value of the sidecar, e.g. {@code "quantizer"}, or null. */
    public String property(String key) {
        return info.has(key) ? info.get(key).getAsString() : null;
    }

    /**
     * Checks the latents against what a model expects; one line naming both otherwise.
     *
     * @param what the expecting side, e.g. "configs/fashion-mnist/sit.conf (diffusion.channels, diffusion.grid)"
     */
    public void requireGrid(int channels, int height, int width, String what) {
        if (channels != channels() || height != height() || width != width()) {
            throw new UserException("latents file " + file + " holds " + channels() + " channels at " + height() + "x"
                    + width() + " but " + what + " expects " + channels + " at " + height + "x" + width);
        }
    }

    /** Rows [first, first + n) as (n, D, H, W) float32 owned by {@code manager}. */
    public NDArray read(NDManager manager, int first, int n) {
        return manager.create(readFloats(first, n), new Shape(n, channels(), height(), width()));
    }

    /** Rows [first, first + n), row after row, in one read (n x D x H x W floats). */
    public float[] readFloats(int first, int n) {
        if (first < 0 || n < 0 || first + n > count()) {
            throw new IllegalArgumentException("rows " + first + ".." + (first + n) + " of " + count());
        }
        long rowBytes = (long) channels() * height() * width() * Float.BYTES;
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(rowBytes * n)).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long position = layout.dataOffset() + first * rowBytes;
            while (buffer.hasRemaining()) {
                int r = ch.read(buffer, position + buffer.position());
                if (r < 0) {
                    throw new UserException("latents file " + file + " is truncated at row " + first);
                }
            }
        } catch (IOException e) {
            throw new UserException("cannot read latents file " + file + ": " + e.getMessage(), e);
        }
        buffer.flip();
        float[] values = new float[buffer.remaining() / Float.BYTES];
        buffer.asFloatBuffer().get(values);
        return values;
    }

    /**
     * Copies rows {@code rows} (any order) one after another into {@code out}, which holds
     * rows.length x D x H x W floats: one positioned read per row, for files too large to hold.
     */
    public void copyRows(int[] rows, float[] out) {
        int rowFloats = channels() * height() * width();
        ByteBuffer buffer = ByteBuffer.allocate(rowFloats * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int i = 0; i < rows.length; i++) {
                buffer.clear();
                long position = layout.dataOffset() + (long) rows[i] * rowFloats * Float.BYTES;
                while (buffer.hasRemaining()) {
                    if (ch.read(buffer, position + buffer.position()) < 0) {
                        throw new UserException("latents file " + file + " is truncated at row " + rows[i]);
                    }
                }
                buffer.flip();
                buffer.asFloatBuffer().get(out, i * rowFloats, rowFloats);
            }
        } catch (IOException e) {
            throw new UserException("cannot read latents file " + file + ": " + e.getMessage(), e);
        }
    }
}
