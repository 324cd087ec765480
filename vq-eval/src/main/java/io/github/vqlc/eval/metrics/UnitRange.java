package io.github.vqlc.eval.metrics;

import ai.djl.ndarray.NDArray;

/** Maps the project's [-1, 1] images to the [0, 1] range image metrics are defined on. */
public final class UnitRange {

    private UnitRange() {}

    /** (x + 1) / 2 of images assumed in [-1, 1]. */
    public static NDArray of(NDArray images) {
        return images.add(1f).div(2f);
    }

    /** (clip(x, -1, 1) + 1) / 2: reconstructions may leave the valid range. */
    public static NDArray clipped(NDArray images) {
        return of(images.clip(-1f, 1f));
    }
}
