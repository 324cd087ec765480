package io.github.vqlc.models.gpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.LoaderState;
import io.github.vqlc.core.data.Resumable;
import io.github.vqlc.core.io.TokenFile;
import java.util.SplittableRandom;

/**
 * The endless training stream over a {@link TokenFile}: epoch e visits every image once in a
 * permutation seeded by (seed, e); an epoch's last short batch is skipped. {@link #state()} /
 * {@link #restore} save the position so a resumed run sees the same batches.
 */
public final class TokenBatches implements Resumable {

    /** One batch: classes (B) int64 (the null class for unlabelled files) and tokens (B, N) int64. */
    public record Batch(NDArray classes, NDArray tokens) {}

    private final TokenFile file;
    private final int batchSize;
    private final long seed;
    private final int nullClass;
    private long epoch;
    private int cursor;
    private int[] order;
    private long orderEpoch = -1;

    public TokenBatches(TokenFile file, int batchSize, long seed) {
        if (file.count() < batchSize) {
            throw new UserException("tokens file " + file.path() + " has " + file.count()
                    + " images, fewer than gpt.batch-size = " + batchSize);
        }
        this.file = file;
        this.batchSize = batchSize;
        this.seed = seed;
        this.nullClass = file.header().labelClasses();
    }

    public Batch next(NDManager manager) {
        if (cursor + batchSize > file.count()) {
            epoch++;
            cursor = 0;
        }
        int[] perm = order(epoch);
        int n = file.tokensPerImage();
        long[] tokens = new long[batchSize * n];
        long[] classes = new long[batchSize];
        for (int i = 0; i < batchSize; i++) {
            int image = perm[cursor + i];
            file.codes(image, tokens, i * n);
            classes[i] = nullClass == 0 ? 0 : file.label(image);
        }
        cursor += batchSize;
        return new Batch(manager.create(classes), manager.create(tokens, new Shape(batchSize, n)));
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
            order = new int[file.count()];
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
