package io.github.vqlc.quantizers.codebook.kmeans;

/**
 * Progress callbacks of {@link KMeans}, called on the fitting thread. All but {@link #onIteration}
 * default to doing nothing, so a lambda can implement {@link #onIteration} alone.
 */
@FunctionalInterface
public interface KMeansObserver {

    /** Does nothing. */
    KMeansObserver NONE = (iteration, inertia, seconds) -> {};

    /**
     * After each iteration.
     *
     * @param iteration 1-based iteration (a pass over the data in mini-batch mode)
     * @param inertia the iteration's inertia, as in {@link KMeansResult#inertiaHistory()}
     * @param seconds wall time of this iteration
     */
    void onIteration(int iteration, double inertia, double seconds);

    /**
     * After each full assignment pass (full Lloyd mode: one per iteration, then the final one that
     * measures the inertia): how many points were searched; the others kept their centre by the
     * {@link KMeans.Builder#optPrune} bound.
     *
     * @param pass 1-based; the final assignment is {@code iterations + 1}
     * @param searched points searched against all centres
     * @param points all points
     */
    default void onAssignment(int pass, long searched, long points) {}

    /**
     * Before the k-means of one class starts ({@link KMeans#fitPerClass} only).
     *
     * @param label the class label
     * @param index position of the class in ascending label order, 0-based
     * @param classes number of classes
     * @param points points of this class
     */
    default void onClassStart(long label, int index, int classes, long points) {}
}
