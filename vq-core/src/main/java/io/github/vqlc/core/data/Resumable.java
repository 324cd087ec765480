package io.github.vqlc.core.data;

/**
 * A training data stream whose position a checkpoint stores: restoring the position of a stream
 * with the same data, batch size and seed makes every later batch what it would have been.
 */
public interface Resumable {

    /** Where the stream is now. */
    LoaderState state();

    /** Moves the stream to {@code state}. */
    void restore(LoaderState state);
}
