package io.github.vqlc.models.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/**
 * A perceptual distance between reconstructions and originals, (N, C, S, S) in [-1, 1] each;
 * differentiable with respect to the reconstruction; the network behind it is frozen.
 */
public interface PerceptualLoss extends AutoCloseable {

    /** Mean distance over the batch, a scalar. */
    NDArray distance(ParameterStore ps, NDArray reconstruction, NDArray target);

    /** Provenance for logs and metrics. */
    String describe();

    @Override
    void close();
}
