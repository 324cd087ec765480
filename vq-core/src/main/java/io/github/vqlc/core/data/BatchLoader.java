package io.github.vqlc.core.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.concurrent.Futures;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Turns an {@link ImageDataset} into NDArray batches, two ways:
 * <ul>
 *   <li>{@link #nextBatch(NDManager)}: the endless training stream. Epoch {@code e} visits every
 *       index once in a permutation seeded by {@code (seed, e)} (identity order if shuffling is
 *       off); the last short batch of an epoch is served, or skipped with {@code dropLast}. Each
 *       sample gets an augmentation {@link Random} seeded by {@code (seed, e, position)}.
 *       {@link #state()} / {@link #restore(LoaderState)} save and restore the position: a restored
 *       loader replays exactly the batches an uninterrupted one would have produced.</li>
 *   <li>{@link #forEachBatch(NDManager, Consumer)}: one ordered pass for evaluation (index order, no
 *       augmentation), each batch in its own sub-manager that is closed after the action.</li>
 * </ul>
 * Images of a batch are written into one host {@code float[]} (optionally by several worker
 * threads, each writing its own slice) and copied to the engine in a single
 * {@code manager.create(FloatBuffer, Shape)} call. Output: images (B, C, H, W) float32 in [-1, 1],
 * labels (B) int64. Not thread-safe: one consumer per loader. Close it to stop the worker threads.
 */
public final class BatchLoader implements AutoCloseable, Resumable {

    private static final long AUGMENT_SALT = 0x5DEECE66DL;

    private final ImageDataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;
    private final ExecutorService workers;
    private final int numWorkers;

    private long epoch;
    private int cursor;
    private int[] order;
    private long orderEpoch = -1;

    private BatchLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.seed = b.seed;
        this.numWorkers = b.workers;
        this.workers = b.workers > 1
                ? Executors.newFixedThreadPool(b.workers, r -> {
                    Thread t = new Thread(r, "vqlc-batch-loader");
                    t.setDaemon(true);
                    return t;
                })
                : null;
    }

    /** Starts a builder; {@link Builder#setBatchSize} is required. */
    public static Builder builder(ImageDataset dataset) {
        return new Builder(dataset);
    }

    /** The dataset served. */
    public ImageDataset dataset() {
        return dataset;
    }

    /** Batch size B. */
    public int batchSize() {
        return batchSize;
    }

    /** Batches per epoch (training stream) or per evaluation pass. */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** Next batch of the endless training stream, created in {@code manager} (use a per-step sub-manager). */
    public Batch nextBatch(NDManager manager) {
        int n = dataset.size();
        long e = epoch;
        int c = cursor;
        if (c >= n || (dropLast && n - c < batchSize)) {
            e++;
            c = 0;
        }
        int[] perm = order(e);
        int len = Math.min(batchSize, n - c);
        int[] indices = Arrays.copyOfRange(perm, c, c + len);
        long[] augmentSeeds = new long[len];
        for (int j = 0; j < len; j++) {
            augmentSeeds[j] = Seeds.mix(seed ^ AUGMENT_SALT, e, c + j);
        }
        Batch batch = load(manager, indices, augmentSeeds);
        epoch = e;
        cursor = c + len;
        return batch;
    }

    /** Position of the training stream: pass it to {@link #restore} to continue from here. */
    @Override
    public LoaderState state() {
        return new LoaderState(epoch, cursor);
    }

    /** Moves the training stream to {@code state} (from {@link #state()} of a loader with the same dataset, batch size and seed). */
    @Override
    public void restore(LoaderState state) {
        Objects.requireNonNull(state, "state");
        if (state.cursor() > dataset.size()) {
            throw new IllegalArgumentException("loader state cursor " + state.cursor() + " exceeds the dataset size "
                    + dataset.size() + "; the state belongs to another dataset");
        }
        epoch = state.epoch();
        cursor = state.cursor();
    }

    /**
     * One ordered pass over the dataset (no shuffling, no augmentation; {@code dropLast} honored).
     * Each batch lives in a fresh sub-manager of {@code parent} that is closed when {@code action}
     * returns: attach anything to keep to another manager. Does not touch the training stream.
     */
    public void forEachBatch(NDManager parent, Consumer<Batch> action) {
        int n = dataset.size();
        for (int start = 0; start < n; start += batchSize) {
            int len = Math.min(batchSize, n - start);
            if (dropLast && len < batchSize) {
                break;
            }
            int[] indices = new int[len];
            for (int j = 0; j < len; j++) {
                indices[j] = start + j;
            }
            try (NDManager sub = parent.newSubManager()) {
                action.accept(load(sub, indices, null));
            }
        }
    }

    /** The given dataset indices as a batch with the evaluation transform, created in {@code manager}. */
    public Batch load(NDManager manager, int[] indices) {
        for (int i : indices) {
            Objects.checkIndex(i, dataset.size());
        }
        return load(manager, indices.clone(), null);
    }

    private Batch load(NDManager manager, int[] indices, long[] augmentSeeds) {
        int len = indices.length;
        int floats = dataset.imageFloats();
        float[] pixels = new float[len * floats];
        long[] labels = new long[len];
        if (workers == null || len < 2) {
            fill(indices, augmentSeeds, pixels, labels, 0, len);
        } else {
            int chunks = Math.min(numWorkers, len);
            List<Future<?>> futures = new ArrayList<>(chunks);
            for (int k = 0; k < chunks; k++) {
                int from = (int) ((long) len * k / chunks);
                int to = (int) ((long) len * (k + 1) / chunks);
                futures.add(workers.submit(() -> fill(indices, augmentSeeds, pixels, labels, from, to)));
            }
            for (Future<?> f : futures) {
                Futures.await(f);
            }
        }
        Shape shape = new Shape(len, dataset.channels(), dataset.imageSize(), dataset.imageSize());
        NDArray images = manager.create(FloatBuffer.wrap(pixels), shape);
        NDArray labelArray;
        try {
            labelArray = manager.create(labels);
        } catch (RuntimeException e) {
            images.close();
            throw e;
        }
        return new Batch(images, labelArray, indices);
    }

    private void fill(int[] indices, long[] augmentSeeds, float[] pixels, long[] labels, int from, int to) {
        int floats = dataset.imageFloats();
        for (int j = from; j < to; j++) {
            Random rng = augmentSeeds == null ? null : new Random(augmentSeeds[j]);
            dataset.image(indices[j], pixels, j * floats, rng);
            labels[j] = dataset.label(indices[j]);
        }
    }

    private int[] order(long e) {
        if (order == null || orderEpoch != e) {
            int n = dataset.size();
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            if (shuffle) {
                SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, e));
                for (int i = n - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int t = perm[i];
                    perm[i] = perm[j];
                    perm[j] = t;
                }
            }
            order = perm;
            orderEpoch = e;
        }
        return order;
    }

    /** Stops the worker threads, if any. */
    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    /** Builder: {@code setBatchSize} required; {@code optShuffle} (true), {@code optDropLast} (false), {@code optSeed} (0), {@code optWorkers} (1). */
    public static final class Builder {
        private final ImageDataset dataset;
        private int batchSize;
        private boolean shuffle = true;
        private boolean dropLast;
        private long seed;
        private int workers = 1;

        private Builder(ImageDataset dataset) {
            this.dataset = Objects.requireNonNull(dataset, "dataset");
        }

        /** Images per batch, >= 1. */
        public Builder setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Shuffle each training epoch (default true); evaluation passes are always in order. */
        public Builder optShuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Skip an epoch's (and a pass's) last batch when it is short (default false). */
        public Builder optDropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Seed of shuffling and augmentation (default 0). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Threads decoding images of a batch in parallel (default 1 = the caller's thread). */
        public Builder optWorkers(int workers) {
            this.workers = workers;
            return this;
        }

        public BatchLoader build() {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be >= 1, got " + workers);
            }
            if (dataset.size() < 1) {
                throw new IllegalArgumentException("dataset is empty: " + dataset.describe());
            }
            if (dropLast && dataset.size() < batchSize) {
                throw new IllegalArgumentException("dropLast with batch size " + batchSize + " > dataset size "
                        + dataset.size() + " would never yield a batch");
            }
            return new BatchLoader(this);
        }
    }
}
