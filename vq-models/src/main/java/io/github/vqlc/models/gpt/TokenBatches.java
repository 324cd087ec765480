package io.github.vqlc.models.gpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.EpochCursor;
import io.github.vqlc.core.data.LoaderState;
import io.github.vqlc.core.data.Resumable;
import io.github.vqlc.core.io.TokenFile;

/**
 * The endless training stream over a {@link TokenFile}, in the order of an {@link EpochCursor}
 * (whose position checkpoints store).
 */
public final class TokenBatches implements Resumable {

    /** One batch: classes (B) int64 (the null class for unlabelled files) and tokens (B, N) int64. */
    public record Batch(NDArray classes, NDArray tokens) {}

    private final TokenFile file;
    private final int batchSize;
    private final int nullClass;
    private final EpochCursor cursor;

    public TokenBatches(TokenFile file, int batchSize, long seed) {
        if (file.count() < batchSize) {
            throw new UserException("tokens file " + file.path() + " has " + file.count()
                    + " images, fewer than gpt.batch-size = " + batchSize);
        }
        this.file = file;
        this.batchSize = batchSize;
        this.nullClass = file.header().labelClasses();
        this.cursor = new EpochCursor(file.count(), seed);
    }

    public Batch next(NDManager manager) {
        int[] images = cursor.next(batchSize);
        int n = file.tokensPerImage();
        long[] tokens = new long[batchSize * n];
        long[] classes = new long[batchSize];
        for (int i = 0; i < batchSize; i++) {
            int image = images[i];
            file.codes(image, tokens, i * n);
            classes[i] = nullClass == 0 ? 0 : file.label(image);
        }
        return new Batch(manager.create(classes), manager.create(tokens, new Shape(batchSize, n)));
    }

    @Override
    public LoaderState state() {
        return cursor.state();
    }

    @Override
    public void restore(LoaderState s) {
        cursor.restore(s);
    }
}
