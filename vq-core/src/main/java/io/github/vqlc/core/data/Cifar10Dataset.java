package io.github.vqlc.core.data;

import io.github.vqlc.core.io.Provenance;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * CIFAR-10, binary version: {@code data_batch_1.bin .. data_batch_5.bin} (train) and {@code
 * test_batch.bin} (test), each a sequence of 3073-byte records = 1 label byte + 32x32 R plane +
 * G plane + B plane. A file whose size is not a multiple of 3073 or a label outside [0, 10) is a
 * {@link DataException}. Records are held in memory (50000 x 3073 bytes = 154 MB).
 *
 * <p>Output: C x S x S; resized with antialiased bilinear filtering when S != 32; {@code channels =
 * 1} converts to BT.601 luma. No augmentation. The directory may be the root itself or its {@code
 * cifar-10-batches-bin} subfolder (as unpacked from the official tarball); the default root is
 * {@code ./data/cifar10}.
 */
public final class Cifar10Dataset implements ImageDataset {

    /** Bytes per record: 1 label + 3 * 32 * 32 pixels. */
    public static final int RECORD_BYTES = 3073;
    /** Default location. */
    public static final Path DEFAULT_DIR = Path.of("data", "cifar10");
    /** Class names, index = label. */
    public static final List<String> CLASSES =
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private static final int SIDE = 32;
    private static final int PLANE = SIDE * SIDE;

    private final Split split;
    private final Path dir;
    private final byte[] records;
    private final int count;
    private final int imageSize;
    private final int channels;

    private Cifar10Dataset(Split split, Path dir, byte[] records, int imageSize, int channels) {
        this.split = split;
        this.dir = dir;
        this.records = records;
        this.count = records.length / RECORD_BYTES;
        this.imageSize = imageSize;
        this.channels = channels;
    }

    /** The file names of one split, in reading order. */
    public static List<String> fileNames(Split split) {
        if (split == Split.TEST) {
            return List.of("test_batch.bin");
        }
        List<String> names = new ArrayList<>();
        for (int k = 1; k <= 5; k++) {
            names.add("data_batch_" + k + ".bin");
        }
        return names;
    }

    /** Opens the split from {@code config.root()} (or its {@code cifar-10-batches-bin}), else from the default root. */
    public static Cifar10Dataset open(DataConfig config, Split split) {
        Path base = config.root() != null ? config.root() : DEFAULT_DIR;
        Path dir = DataRoots.resolve(
                "cifar10",
                null,
                List.of(base, base.resolve("cifar-10-batches-bin")),
                fileNames(split),
                false,
                "run scripts/fetch-data.sh cifar10");
        return fromDirectory(dir, split, config.imageSize(), config.channels());
    }

    /** Reads the split's files from {@code dir}. */
    public static Cifar10Dataset fromDirectory(Path dir, Split split, int imageSize, int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (imageSize < 1) {
            throw new IllegalArgumentException("imageSize must be >= 1, got " + imageSize);
        }
        List<Path> files = fileNames(split).stream().map(dir::resolve).toList();
        long total = 0;
        for (Path f : files) {
            long size = size(f);
            if (size == 0 || size % RECORD_BYTES != 0) {
                throw new DataException(
                        f + ": size " + size + " is not a positive multiple of " + RECORD_BYTES
                                + " (1 label byte + 3072 pixel bytes per record); the file is truncated or not CIFAR-10 binary");
            }
            total += size;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new DataException(dir + ": " + total + " bytes of records do not fit in memory as one array");
        }
        byte[] records = new byte[(int) total];
        int off = 0;
        for (Path f : files) {
            int start = off;
            try (InputStream in = Files.newInputStream(f)) {
                int n = (int) size(f);
                int got = in.readNBytes(records, off, n);
                if (got != n) {
                    throw new DataException(f + ": truncated: expected " + n + " bytes, found " + got);
                }
                off += n;
            } catch (IOException e) {
                throw new DataException(f + ": cannot read: " + e, e);
            }
            for (int r = start; r < off; r += RECORD_BYTES) {
                int label = records[r] & 0xff;
                if (label >= CLASSES.size()) {
                    throw new DataException(f + ": label " + label + " in record " + (r - start) / RECORD_BYTES
                            + " is outside [0, 10); not a CIFAR-10 binary file");
                }
            }
        }
        return new Cifar10Dataset(split, dir, records, imageSize, channels);
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new DataException(f + ": cannot read: " + e, e);
        }
    }

    @Override
    public int size() {
        return count;
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
        return CLASSES.size();
    }

    @Override
    public int label(int i) {
        return records[Objects.checkIndex(i, count) * RECORD_BYTES] & 0xff;
    }

    @Override
    public void image(int i, float[] dst, int offset, Random augmentRng) {
        int base = Objects.checkIndex(i, count) * RECORD_BYTES + 1;
        float[] src;
        if (channels == 3) {
            if (imageSize == SIDE) {
                for (int k = 0; k < 3 * PLANE; k++) {
                    dst[offset + k] = ImageOps.UNIT[records[base + k] & 0xff];
                }
                return;
            }
            src = new float[3 * PLANE];
            for (int k = 0; k < src.length; k++) {
                src[k] = ImageOps.UNIT[records[base + k] & 0xff];
            }
        } else {
            src = new float[PLANE];
            for (int k = 0; k < PLANE; k++) {
                src[k] = ImageOps.luma(
                        ImageOps.UNIT[records[base + k] & 0xff],
                        ImageOps.UNIT[records[base + PLANE + k] & 0xff],
                        ImageOps.UNIT[records[base + 2 * PLANE + k] & 0xff]);
            }
            if (imageSize == SIDE) {
                System.arraycopy(src, 0, dst, offset, PLANE);
                return;
            }
        }
        ImageOps.resizeWindow(
                src, channels, SIDE, SIDE, imageSize, imageSize, 0, 0, imageSize, imageSize, false, dst, offset);
    }

    @Override
    public List<String> classNames() {
        return CLASSES;
    }

    @Override
    public String describe() {
        return "cifar10 " + split.label() + ": " + count + " images " + channels + "x" + imageSize + "x" + imageSize
                + ", 10 classes, from " + Provenance.name(dir);
    }
}
