package io.github.vqlc.core.spi;

import ai.djl.ndarray.NDList;
import java.util.function.Consumer;

/**
 * Where a quantizer's training forward sends the update of its non-gradient state (EMA statistics,
 * code-usage averages), expressed as a function of rows of the batch (its vectors and their codes,
 * one row per token on axis 0).
 *
 * <p>One device applies the update at once ({@link #IMMEDIATE}). Under data parallel training each
 * replica sees only its part of the batch, so the trainer defers the updates: after every
 * replica's forward it concatenates the k-th submission of all replicas in replica order (which is
 * the whole batch's order) and hands the concatenation to every replica's k-th {@code apply}. The
 * state then follows the whole batch, identically on every replica, as on one device.
 */
@FunctionalInterface
public interface StateUpdates {

    /** Applies every update as it is submitted (one device). */
    StateUpdates IMMEDIATE = (name, rows, apply) -> apply.accept(rows);

    /**
     * Submits an update.
     *
     * @param name what is updated (replicas must submit the same names in the same order)
     * @param rows arrays whose first axis is the batch's tokens (detached by the caller or not: the
     *     trainer detaches before concatenating)
     * @param apply the update, given {@code rows} or their concatenation over all replicas
     */
    void submit(String name, NDList rows, Consumer<NDList> apply);
}
