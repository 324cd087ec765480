package io.github.vqlc.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.EpochCursor;
import io.github.vqlc.core.data.LoaderState;
import io.github.vqlc.core.data.Resumable;
import io.github.vqlc.core.io.LatentsFile;

/**
 * The endless training stream over a {@link LatentsFile}, in the order of an {@link EpochCursor}
 * (whose position checkpoints store). Files up to {@link #HOLD_BYTES} are held in memory, larger
 * ones are read row by row per batch.
 */
public final class LatentBatches implements Resumable {

    /** Files up to this size are read once and held. */
    static final long HOLD_BYTES = 1L << 30;

    /** One batch: latents (B, D, H, W) float32 (standardized when asked) and classes (B) int64. */
    public record Batch(NDArray latents, NDArray classes) {}

    private final LatentsFile file;
    private final int batchSize;
    private final float[] mean;
    private final float[] inverseStd;
    private final float[] held;
    private final int rowFloats;
    private final EpochCursor cursor;

    /**
     * @param normalize subtract the file's per-channel mean and divide by its std
     */
    public LatentBatches(LatentsFile file, int batchSize, long seed, boolean normalize) {
        if (file.count() < batchSize) {
            throw new UserException("latents file " + file.file() + " holds " + file.count()
                    + " images, fewer than diffusion.batch-size = " + batchSize);
        }
        this.file = file;
        this.batchSize = batchSize;
        this.rowFloats = file.channels() * file.height() * file.width();
        this.cursor = new EpochCursor(file.count(), seed);
        if (normalize) {
            mean = file.mean();
            float[] std = file.std();
            inverseStd = new float[std.length];
            for (int c = 0; c < std.length; c++) {
                inverseStd[c] = std[c] > 0 ? 1f / std[c] : 1f;
            }
        } else {
            mean = null;
            inverseStd = null;
        }
        long bytes = (long) file.count() * rowFloats * Float.BYTES;
        if (bytes <= HOLD_BYTES) {
            held = file.readFloats(0, file.count());
            if (mean != null) {
                standardize(held); // once, not again every epoch
            }
        } else {
            held = null;
        }
    }

    public Batch next(NDManager manager) {
        int[] rows = cursor.next(batchSize);
        long[] classes = new long[batchSize];
        for (int i = 0; i < batchSize; i++) {
            classes[i] = file.classes() == 0 ? 0 : file.label(rows[i]);
        }
        float[] values = new float[batchSize * rowFloats];
        if (held != null) {
            for (int i = 0; i < batchSize; i++) {
                System.arraycopy(held, rows[i] * rowFloats, values, i * rowFloats, rowFloats);
            }
        } else {
            file.copyRows(rows, values);
            if (mean != null) {
                standardize(values);
            }
        }
        NDArray latents = manager.create(values, new Shape(batchSize, file.channels(), file.height(), file.width()));
        return new Batch(latents, manager.create(classes));
    }

    private void standardize(float[] values) {
        int positions = file.height() * file.width();
        for (int start = 0; start < values.length; start += positions) {
            int c = (start / positions) % file.channels();
            for (int p = start; p < start + positions; p++) {
                values[p] = (values[p] - mean[c]) * inverseStd[c];
            }
        }
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
