package io.github.vqlc.core.data;

import java.util.SplittableRandom;

/**
 * The position of an endless training stream over {@code count} items: epoch e visits every item
 * once in a permutation seeded by (seed, e); an epoch's last short batch is skipped. Its {@link
 * #state()} is what a checkpoint stores, so a resumed run draws the same batches.
 */
public final class EpochCursor implements Resumable {

    private final int count;
    private final long seed;
    private long epoch;
    private int cursor;
    private int[] order;
    private long orderEpoch = -1;

    public EpochCursor(int count, long seed) {
        this.count = count;
        this.seed = seed;
    }

    /** The items of the next batch of {@code batchSize} (at most count). */
    public int[] next(int batchSize) {
        if (cursor + batchSize > count) {
            epoch++;
            cursor = 0;
        }
        int[] perm = order(epoch);
        int[] items = new int[batchSize];
        System.arraycopy(perm, cursor, items, 0, batchSize);
        cursor += batchSize;
        return items;
    }

    @Override
    public LoaderState state() {
        return new LoaderState(epoch, cursor);
    }

    @Override
    public void restore(LoaderState s) {
        epoch = s.epoch();
        cursor = s.cursor();
    }

    private int[] order(long e) {
        if (orderEpoch != e) {
            order = new int[count];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + e);
            for (int i = order.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            orderEpoch = e;
        }
        return order;
    }
}
