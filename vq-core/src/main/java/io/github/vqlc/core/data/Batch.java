package io.github.vqlc.core.data;

import ai.djl.ndarray.NDArray;

/**
 * One batch: {@code images} (B, C, H, W) float32 in [-1, 1], {@code labels} (B) int64 and the
 * dataset {@code indices} the rows came from. Closing it closes both arrays (they also go away with
 * their manager, normally the step's sub-manager).
 */
public record Batch(NDArray images, NDArray labels, int[] indices) implements AutoCloseable {

    /** Number of images B. */
    public int size() {
        return indices.length;
    }

    @Override
    public void close() {
        images.close();
        labels.close();
    }
}
