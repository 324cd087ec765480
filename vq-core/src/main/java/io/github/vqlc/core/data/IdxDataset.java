package io.github.vqlc.core.data;

import io.github.vqlc.core.io.Provenance;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * MNIST or Fashion-MNIST from the four standard IDX files ({@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte},
 * each raw or {@code .gz}), held in memory as bytes (60000 x 28 x 28 = 47 MB).
 *
 * <p>Output: C x S x S with S = imageSize. When S >= 28 the digit is zero-padded and centered
 * (background -1; 32 gives 2 pixels on each side, an odd margin puts the extra pixel bottom/right);
 * when S < 28 it is resized with antialiased bilinear filtering. {@code channels = 3} replicates the
 * gray plane. There is no augmentation.
 *
 * <p>Default locations when {@code root} is null: fashion-mnist: {@code /usr/share/datasets/fashion-mnist}
 * (Debian package {@code dataset-fashion-mnist}), then {@code ./data/fashion-mnist}; mnist:
 * {@code ./data/mnist} (Debian has no MNIST package).
 */
public final class IdxDataset implements ImageDataset {

    /** Standard locations of Fashion-MNIST, in order. */
    public static final List<Path> FASHION_MNIST_DIRS =
            List.of(Path.of("/usr/share/datasets/fashion-mnist"), Path.of("data", "fashion-mnist"));
    /** Standard locations of MNIST, in order. */
    public static final List<Path> MNIST_DIRS = List.of(Path.of("data", "mnist"));

    /** Fashion-MNIST class names, index = label. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final int NUM_CLASSES = 10;

    private final String name;
    private final Split split;
    private final Path source;
    private final byte[] pixels;
    private final byte[] labels;
    private final int rows;
    private final int cols;
    private final int imageSize;
    private final int channels;
    private final boolean pad;

    private IdxDataset(String name, Split split, Path source, IdxReader.Labeled data, int imageSize, int channels) {
        this.name = name;
        this.split = split;
        this.source = source;
        this.pixels = data.images().pixels();
        this.labels = data.labels();
        this.rows = data.images().rows();
        this.cols = data.images().cols();
        this.imageSize = imageSize;
        this.channels = channels;
        this.pad = imageSize >= rows && imageSize >= cols;
    }

    /** Opens {@code config.name()} ("mnist" or "fashion-mnist") from its root or its standard locations. */
    public static IdxDataset open(DataConfig config, Split split) {
        return open(config, split, defaultDirs(config.name()));
    }

    /** As {@link #open(DataConfig, Split)} with explicit standard locations (tests). */
    static IdxDataset open(DataConfig config, Split split, List<Path> candidates) {
        String prefix = split == Split.TRAIN ? "train" : "t10k";
        String imagesName = prefix + "-images-idx3-ubyte";
        String labelsName = prefix + "-labels-idx1-ubyte";
        Path dir = DataRoots.resolve(
                config.name(),
                config.root(),
                candidates,
                List.of(imagesName, labelsName),
                true,
                "run scripts/fetch-data.sh " + config.name());
        Path images = DataRoots.find(dir, imagesName).orElseThrow();
        Path labels = DataRoots.find(dir, labelsName).orElseThrow();
        return fromFiles(config.name(), split, images, labels, config.imageSize(), config.channels());
    }

    /** Reads one images/labels pair of IDX files; labels must be in [0, 10). */
    public static IdxDataset fromFiles(
            String name, Split split, Path images, Path labels, int imageSize, int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (imageSize < 1) {
            throw new IllegalArgumentException("imageSize must be >= 1, got " + imageSize);
        }
        IdxReader.Labeled data = IdxReader.read(images, labels);
        byte[] l = data.labels();
        for (int i = 0; i < l.length; i++) {
            if ((l[i] & 0xff) >= NUM_CLASSES) {
                throw new DataException(labels + ": label " + (l[i] & 0xff) + " at index " + i + " is outside [0, "
                        + NUM_CLASSES + ")");
            }
        }
        Path dir = images.toAbsolutePath().getParent();
        return new IdxDataset(name, split, dir, data, imageSize, channels);
    }

    private static List<Path> defaultDirs(String name) {
        return switch (name) {
            case "fashion-mnist" -> FASHION_MNIST_DIRS;
            case "mnist" -> MNIST_DIRS;
            default -> throw new IllegalArgumentException("not an IDX dataset: " + name);
        };
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public int numClasses() {
        return NUM_CLASSES;
    }

    @Override
    public int label(int i) {
        return labels[Objects.checkIndex(i, labels.length)] & 0xff;
    }

    @Override
    public void image(int i, float[] dst, int offset, Random augmentRng) {
        Objects.checkIndex(i, labels.length);
        int s = imageSize;
        int plane = s * s;
        int base = i * rows * cols;
        if (pad) {
            int top = (s - rows) / 2;
            int left = (s - cols) / 2;
            Arrays.fill(dst, offset, offset + plane, -1f);
            for (int y = 0; y < rows; y++) {
                int out = offset + (y + top) * s + left;
                int in = base + y * cols;
                for (int x = 0; x < cols; x++) {
                    dst[out + x] = ImageOps.UNIT[pixels[in + x] & 0xff];
                }
            }
        } else {
            float[] src = new float[rows * cols];
            for (int k = 0; k < src.length; k++) {
                src[k] = ImageOps.UNIT[pixels[base + k] & 0xff];
            }
            ImageOps.resizeWindow(src, 1, rows, cols, s, s, 0, 0, s, s, false, dst, offset);
        }
        for (int c = 1; c < channels; c++) {
            System.arraycopy(dst, offset, dst, offset + c * plane, plane);
        }
    }

    @Override
    public List<String> classNames() {
        return "fashion-mnist".equals(name) ? FASHION_MNIST_CLASSES : ImageDataset.super.classNames();
    }

    @Override
    public String describe() {
        return name + " " + split.label() + ": " + size() + " images " + channels + "x" + imageSize + "x" + imageSize
                + " (" + rows + "x" + cols + (pad ? " padded" : " resized") + "), " + NUM_CLASSES + " classes, from "
                + Provenance.name(source);
    }
}
