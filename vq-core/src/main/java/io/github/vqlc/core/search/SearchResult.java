package io.github.vqlc.core.search;

import ai.djl.ndarray.NDArray;

/**
 * The answer of {@link NearestCodeSearch#search}: for every query row, the index of its nearest
 * code and the squared Euclidean distance to it.
 *
 * <p>Both arrays are attached to the manager of the query array {@code x}; closing this result
 * closes both.
 *
 * @param indices (N) int64, values in [0, K)
 * @param distances (N) float32, squared L2 distances, never negative
 */
public record SearchResult(NDArray indices, NDArray distances) implements AutoCloseable {

    /** Closes both arrays. */
    @Override
    public void close() {
        indices.close();
        distances.close();
    }
}
