package io.github.vqlc.quantizers.codebook;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.Batch;
import io.github.vqlc.core.data.BatchLoader;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.ops.PatchPooling;
import io.github.vqlc.core.spi.FeatureExtractor;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Runs a feature extractor's patch features over a dataset and returns the pooled vectors as rows,
 * the input of k-means codebook construction: each image's map is pooled to a g x g grid ({@link
 * PatchPooling}), giving up to g*g rows of width D per image, each labelled with its image's class.
 *
 * <p>Limits: at most {@code maxImagesPerClass} images of each class (a seeded random choice; 0 =
 * all) and at most {@code maxVectorsPerImage} of an image's g*g cells (a random subset seeded by
 * the seed and the image index; 0 = all). Rows come in dataset order, then cell order, so a
 * collection is reproducible whatever the batch size. Each batch runs in its own sub-manager; the
 * rows are gathered on the host as float32.
 */
public final class FeatureCollector {

    private final int grid;
    private final int batchSize;
    private final int maxVectorsPerImage;
    private final int maxImagesPerClass;
    private final long seed;
    private final Listener listener;

    /** Told after each batch how many of the selected images are done. */
    @FunctionalInterface
    public interface Listener {
        void progressed(int imagesDone, int imagesTotal);
    }

    /**
     * The collected rows.
     *
     * @param data rows (N, D) in row-major order, float32
     * @param dim D
     * @param labels class label of each row (N)
     * @param images dataset index of the image each row came from (N)
     */
    public record Rows(float[] data, int dim, int[] labels, int[] images) {

        /** Number of rows N. */
        public int count() {
            return labels.length;
        }

        /** The rows as an (N, D) float32 array in {@code manager}. */
        public NDArray toArray(NDManager manager) {
            return manager.create(FloatBuffer.wrap(data), new Shape(count(), dim));
        }
    }

    private FeatureCollector(Builder b) {
        this.grid = b.grid;
        this.batchSize = b.batchSize;
        this.maxVectorsPerImage = b.maxVectorsPerImage;
        this.maxImagesPerClass = b.maxImagesPerClass;
        this.seed = b.seed;
        this.listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects the pooled patch features of {@code data}; batches run in sub-managers of {@code manager}. */
    public Rows collect(FeatureExtractor extractor, ImageDataset data, NDManager manager) {
        if (!extractor.hasPatchFeatures()) {
            throw new UserException("the " + extractor.type() + " feature extractor has no patch features;"
                    + " codebook construction needs an extractor with patch features");
        }
        int[] selected = selectImages(data);
        int cells = grid * grid;
        int perImage = maxVectorsPerImage == 0 ? cells : Math.min(maxVectorsPerImage, cells);
        long total = (long) selected.length * perImage;
        int[] labels = new int[(int) Math.min(total, Integer.MAX_VALUE)];
        int[] images = new int[labels.length];
        float[] out = null;
        int dim = 0;
        int row = 0;
        try (BatchLoader loader = BatchLoader.builder(data)
                .setBatchSize(batchSize)
                .optShuffle(false)
                .build()) {
            for (int start = 0; start < selected.length; start += batchSize) {
                int[] indices = Arrays.copyOfRange(selected, start, Math.min(selected.length, start + batchSize));
                float[] pooled;
                try (NDManager sub = manager.newSubManager()) {
                    Batch batch = loader.load(sub, indices);
                    NDArray map = extractor.patchFeatures(batch.images());
                    NDArray rows = PatchPooling.rows(PatchPooling.pool(map, grid));
                    if (out == null) {
                        dim = (int) rows.getShape().get(2);
                        if (total * dim > Integer.MAX_VALUE - 8) {
                            throw new UserException(total + " vectors of width " + dim + " do not fit in one array;"
                                    + " lower the images per class or the vectors per image");
                        }
                        out = new float[(int) (total * dim)];
                    }
                    pooled = rows.toFloatArray();
                }
                for (int j = 0; j < indices.length; j++) {
                    int image = indices[j];
                    for (int cell : cellsOf(image, cells, perImage)) {
                        System.arraycopy(pooled, (j * cells + cell) * dim, out, row * dim, dim);
                        labels[row] = data.label(image);
                        images[row] = image;
                        row++;
                    }
                }
                listener.progressed(start + indices.length, selected.length);
            }
        }
        return new Rows(out == null ? new float[0] : out, dim, labels, images);
    }

    /** Dataset indices to use, ascending: all, or at most maxImagesPerClass per class chosen under the seed. */
    int[] selectImages(ImageDataset data) {
        int n = data.size();
        if (maxImagesPerClass == 0) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] taken = new int[data.numClasses()];
        int[] chosen = new int[n];
        int count = 0;
        for (int i : order) {
            int label = data.label(i);
            if (taken[label] < maxImagesPerClass) {
                taken[label]++;
                chosen[count++] = i;
            }
        }
        int[] result = Arrays.copyOf(chosen, count);
        Arrays.sort(result);
        return result;
    }

    /** The grid cells kept for {@code image}, ascending. */
    private int[] cellsOf(int image, int cells, int perImage) {
        int[] all = new int[cells];
        Arrays.setAll(all, i -> i);
        if (perImage == cells) {
            return all;
        }
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + image);
        for (int i = 0; i < perImage; i++) { // partial Fisher-Yates
            int j = i + rng.nextInt(cells - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] kept = Arrays.copyOf(all, perImage);
        Arrays.sort(kept);
        return kept;
    }

    /** Builder: grid 4, batch size 64, no limits, seed 0, no listener. */
    public static final class Builder {
        private int grid = PatchPooling.DEFAULT_GRID;
        private int batchSize = 64;
        private int maxVectorsPerImage;
        private int maxImagesPerClass;
        private long seed;
        private Listener listener = (done, total) -> {};

        private Builder() {}

        /** Side g of the pooled grid (g*g vectors per image), >= 1. */
        public Builder optGrid(int grid) {
            this.grid = grid;
            return this;
        }

        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Keep at most this many of an image's g*g vectors (a seeded random subset); 0 = all. */
        public Builder optMaxVectorsPerImage(int max) {
            this.maxVectorsPerImage = max;
            return this;
        }

        /** Use at most this many images of each class (a seeded random choice); 0 = all. */
        public Builder optMaxImagesPerClass(int max) {
            this.maxImagesPerClass = max;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder optListener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public FeatureCollector build() {
            if (grid < 1 || batchSize < 1 || maxVectorsPerImage < 0 || maxImagesPerClass < 0) {
                throw new IllegalArgumentException(
                        "collector needs grid >= 1, batch size >= 1 and limits >= 0; got grid "
                                + grid + ", batch " + batchSize + ", vectors/image " + maxVectorsPerImage
                                + ", images/class "
                                + maxImagesPerClass);
            }
            return new FeatureCollector(this);
        }
    }
}
