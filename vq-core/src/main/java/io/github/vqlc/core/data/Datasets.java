package io.github.vqlc.core.data;

import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Opens a dataset by name: {@code fashion-mnist} and {@code mnist} ({@link IdxDataset}), {@code
 * cifar10} ({@link Cifar10Dataset}), {@code image-folder} ({@link ImageFolderDataset}) and {@code
 * synthetic} ({@link SyntheticDataset}; 2048 train / 512 test images unless {@code limit} says
 * otherwise, 10 classes). An unknown name is a {@link DataException} listing the valid ones.
 * {@code limit > 0} keeps the first {@code limit} images of the split.
 */
public final class Datasets {

    /** Synthetic split sizes when no limit is set. */
    public static final int SYNTHETIC_TRAIN_SIZE = 2048;

    public static final int SYNTHETIC_TEST_SIZE = 512;

    private Datasets() {}

    /**
     * @param seed used only by datasets generated from a seed ({@code synthetic}); the two splits
     *     get different images
     */
    public static ImageDataset open(DataConfig config, Split split, long seed) {
        ImageDataset ds = switch (config.name()) {
            case "fashion-mnist", "mnist" -> IdxDataset.open(config, split);
            case "cifar10" -> Cifar10Dataset.open(config, split);
            case "image-folder" -> ImageFolderDataset.open(config, split);
            case "synthetic" ->
                new SyntheticDataset(
                        config.limit() > 0
                                ? config.limit()
                                : split == Split.TRAIN ? SYNTHETIC_TRAIN_SIZE : SYNTHETIC_TEST_SIZE,
                        10,
                        config.channels(),
                        config.imageSize(),
                        Seeds.mix(seed, split.ordinal()));
            default ->
                throw new DataException(
                        "unknown dataset '" + config.name() + "'; valid names: " + String.join(", ", DataConfig.NAMES));
        };
        return limit(ds, config.limit());
    }

    /** The first {@code limit} images of {@code dataset}, or the dataset itself if {@code limit} is 0 or >= its size. */
    public static ImageDataset limit(ImageDataset dataset, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        if (limit == 0 || limit >= dataset.size()) {
            return dataset;
        }
        return new Prefix(dataset, limit);
    }

    /** A view of the first {@code size} images of another dataset. */
    private record Prefix(ImageDataset base, int size) implements ImageDataset {

        @Override
        public int channels() {
            return base.channels();
        }

        @Override
        public int imageSize() {
            return base.imageSize();
        }

        @Override
        public int numClasses() {
            return base.numClasses();
        }

        @Override
        public int label(int i) {
            return base.label(Objects.checkIndex(i, size));
        }

        @Override
        public void image(int i, float[] dst, int offset, Random augmentRng) {
            base.image(Objects.checkIndex(i, size), dst, offset, augmentRng);
        }

        @Override
        public List<String> classNames() {
            return base.classNames();
        }

        @Override
        public String describe() {
            return base.describe() + ", first " + size + " used";
        }
    }
}
