package io.github.vqlc.core.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

/**
 * Where a quantizer reports rows of a trainable parameter it overwrote (a dead-code restart), so the
 * optimizer restarts their moments instead of carrying the old code's history into the new one.
 */
@FunctionalInterface
public interface RowReplacements {

    /** Nobody listening (outside training). */
    RowReplacements NONE = (parameter, rows) -> {};

    /** @param rows int64 indices of the replaced rows (first axis of {@code parameter}) */
    void replaced(Parameter parameter, NDArray rows);
}
