package io.github.vqlc.core.data;

import io.github.vqlc.core.io.Provenance;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Images in class folders, the ImageNet layout: {@code root/<split>/<class>/*.{jpg,jpeg,png}} with
 * split folder {@code train} for {@link Split#TRAIN} and {@code val} (or else {@code test}) for
 * {@link Split#TEST}. FFHQ-like sets are a single class folder. Classes are the sorted subfolder
 * names of {@code train} (so labels agree between splits; a test class missing from train is an
 * error), files are sorted by name within a class. Only the file list is held in memory; each
 * access decodes the file with {@link ImageIO}.
 *
 * <p>Transform: the shorter side is resized to S = imageSize with antialiased bilinear filtering
 * (aspect kept), then an S x S crop: centered when {@code augmentRng == null} or augmentation is
 * off, otherwise at a random offset and mirrored left-right with probability 1/2 (the random
 * numbers are drawn in the order crop row, crop column, flip). Gray files are replicated to RGB,
 * {@code channels = 1} converts to BT.601 luma, alpha is dropped. An unreadable file is a
 * {@link DataException} naming it.
 */
public final class ImageFolderDataset implements ImageDataset {

    /** Accepted file extensions (case-insensitive). */
    public static final List<String> EXTENSIONS = List.of("jpg", "jpeg", "png");

    private final Path root;
    private final Split split;
    private final Path splitDir;
    private final List<String> classes;
    private final Path[] classDirs;
    private final String[] files;
    private final int[] labels;
    private final int imageSize;
    private final int channels;
    private final boolean augment;

    private ImageFolderDataset(
            Path root,
            Split split,
            Path splitDir,
            List<String> classes,
            String[] files,
            int[] labels,
            int imageSize,
            int channels,
            boolean augment) {
        this.root = root;
        this.split = split;
        this.splitDir = splitDir;
        this.classes = List.copyOf(classes);
        this.classDirs = classes.stream().map(splitDir::resolve).toArray(Path[]::new);
        this.files = files;
        this.labels = labels;
        this.imageSize = imageSize;
        this.channels = channels;
        this.augment = augment;
    }

    /** Opens the split under {@code config.root()}, which is required. */
    public static ImageFolderDataset open(DataConfig config, Split split) {
        if (config.root() == null) {
            throw new DataException("image-folder: data.root is not set; point it at a directory with train/ and val/"
                    + " subfolders of class folders");
        }
        return open(config.root(), split, config.imageSize(), config.channels(), config.augment());
    }

    /** Opens {@code root/<split>/<class>/*}. */
    public static ImageFolderDataset open(Path root, Split split, int imageSize, int channels, boolean augment) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (imageSize < 1) {
            throw new IllegalArgumentException("imageSize must be >= 1, got " + imageSize);
        }
        if (!Files.isDirectory(root)) {
            throw new DataException("image-folder: " + root + " is not a directory");
        }
        Path trainDir = root.resolve("train");
        Path splitDir = split == Split.TRAIN
                ? trainDir
                : Files.isDirectory(root.resolve("val")) ? root.resolve("val") : root.resolve("test");
        if (!Files.isDirectory(splitDir)) {
            String expected = split == Split.TRAIN ? "train" : "val (or test)";
            throw new DataException("image-folder: " + root + " has no " + expected
                    + " folder; expected root/<train|val>/<class>/*.jpg|jpeg|png");
        }
        List<String> classes = subfolders(Files.isDirectory(trainDir) ? trainDir : splitDir);
        if (split == Split.TEST && Files.isDirectory(trainDir)) {
            for (String c : subfolders(splitDir)) {
                if (!classes.contains(c)) {
                    throw new DataException("image-folder: class folder " + splitDir.resolve(c)
                            + " has no counterpart in " + trainDir + "; the splits must share their classes");
                }
            }
        }
        List<String> names = new ArrayList<>();
        List<Integer> labelList = new ArrayList<>();
        for (int k = 0; k < classes.size(); k++) {
            Path dir = splitDir.resolve(classes.get(k));
            if (!Files.isDirectory(dir)) {
                continue;
            }
            for (String f : imageFiles(dir)) {
                names.add(f);
                labelList.add(k);
            }
        }
        if (names.isEmpty()) {
            throw new DataException("image-folder: no .jpg/.jpeg/.png files in the class folders of " + splitDir);
        }
        return new ImageFolderDataset(
                root,
                split,
                splitDir,
                classes,
                names.toArray(String[]::new),
                labelList.stream().mapToInt(Integer::intValue).toArray(),
                imageSize,
                channels,
                augment);
    }

    private static List<String> subfolders(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new DataException(dir + ": cannot list: " + e, e);
        }
    }

    private static List<String> imageFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".") && EXTENSIONS.contains(extension(n)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new DataException(dir + ": cannot list: " + e, e);
        }
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** Path of image {@code i}. */
    public Path file(int i) {
        return classDirs[labels[Objects.checkIndex(i, files.length)]].resolve(files[i]);
    }

    @Override
    public int size() {
        return files.length;
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
        return classes.size();
    }

    @Override
    public int label(int i) {
        return labels[Objects.checkIndex(i, files.length)];
    }

    @Override
    public List<String> classNames() {
        return classes;
    }

    @Override
    public void image(int i, float[] dst, int offset, Random augmentRng) {
        Path file = file(i);
        BufferedImage img = decode(file);
        int w = img.getWidth();
        int h = img.getHeight();
        float[] planes = planes(img, channels);
        int s = imageSize;
        int nw;
        int nh;
        if (w <= h) {
            nw = s;
            nh = Math.max(s, (int) Math.round((double) h * s / w));
        } else {
            nh = s;
            nw = Math.max(s, (int) Math.round((double) w * s / h));
        }
        int y0 = (nh - s) / 2;
        int x0 = (nw - s) / 2;
        boolean flip = false;
        if (augment && augmentRng != null) {
            y0 = augmentRng.nextInt(nh - s + 1);
            x0 = augmentRng.nextInt(nw - s + 1);
            flip = augmentRng.nextBoolean();
        }
        ImageOps.resizeWindow(planes, channels, h, w, nh, nw, y0, x0, s, s, flip, dst, offset);
    }

    private static BufferedImage decode(Path file) {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new DataException(file + ": cannot decode image: " + e.getMessage(), e);
        }
        if (img == null) {
            throw new DataException(file + ": not a readable JPEG/PNG image (no decoder accepted it)");
        }
        return img;
    }

    /** CHW planes in [-1, 1] at the source resolution: gray read from the raster as stored, color via sRGB. */
    static float[] planes(BufferedImage img, int channels) {
        int w = img.getWidth();
        int h = img.getHeight();
        int n = w * h;
        float[] out = new float[channels * n];
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        boolean gray = cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && raster.getNumBands() <= 2;
        if (gray) {
            // getRGB would push linear-gray color spaces through a gamma curve; use the stored samples
            int bits = cm.getComponentSize(0);
            double max = (1L << bits) - 1;
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int v = bits == 8 ? row[x] : (int) Math.round(row[x] * 255.0 / max);
                    out[y * w + x] = ImageOps.UNIT[v];
                }
            }
            for (int c = 1; c < channels; c++) {
                System.arraycopy(out, 0, out, c * n, n);
            }
            return out;
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int k = 0; k < n; k++) {
            int p = argb[k];
            float r = ImageOps.UNIT[(p >> 16) & 0xff];
            float g = ImageOps.UNIT[(p >> 8) & 0xff];
            float b = ImageOps.UNIT[p & 0xff];
            if (channels == 3) {
                out[k] = r;
                out[n + k] = g;
                out[2 * n + k] = b;
            } else {
                out[k] = ImageOps.luma(r, g, b);
            }
        }
        return out;
    }

    @Override
    public String describe() {
        return "image-folder " + split.label() + ": " + size() + " images " + channels + "x" + imageSize + "x"
                + imageSize + ", " + classes.size() + " classes, from " + Provenance.name(root) + "/"
                + splitDir.getFileName()
                + (augment ? " (augment: random crop + flip)" : "");
    }

    /** The dataset root (parent of the split folders). */
    public Path root() {
        return root;
    }
}
