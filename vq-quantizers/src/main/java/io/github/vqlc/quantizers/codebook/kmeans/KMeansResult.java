package io.github.vqlc.quantizers.codebook.kmeans;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The outcome of {@link KMeans#fit} or {@link KMeans#fitPerClass}.
 *
 * <p>Inertia is the sum over points of the squared Euclidean distance to the nearest centroid,
 * accumulated in double precision from float32 distances. {@link #inertia()} is measured by one
 * assignment pass with the final centroids (as scikit-learn's {@code inertia_}); entry t of {@link
 * #inertiaHistory()} is the inertia of the assignment step of iteration t+1, i.e. with the
 * centroids before that iteration's update (in mini-batch mode: the sum of the batch inertias of
 * pass t+1, each measured before its batch's update).
 *
 * <p>Per-class mode: rows {@code [c*kPerClass, (c+1)*kPerClass)} of the centroids belong to the
 * c-th class in ascending label order; a point's distance counts to its own class's centroids
 * only; {@link #inertia()}, {@link #emptyClustersRepaired()} are sums over classes, {@link
 * #iterations()} is the largest per-class count, {@link #inertiaHistory()} is empty (see {@link
 * #perClass()}).
 *
 * @param centroids (K, D) float32, attached to the points' manager; the caller closes it (or this
 *     result)
 * @param inertia final inertia
 * @param inertiaHistory inertia per iteration (see above)
 * @param iterations iterations run (passes over the data in mini-batch mode)
 * @param converged whether the stopping rule (or unchanged assignments) ended the iterations
 *     before the cap; in per-class mode, whether every class converged
 * @param clusterSizes points nearest to each centroid in the final assignment (K entries)
 * @param emptyClustersRepaired how many times an empty cluster's centre was moved to a far point
 * @param perClass one entry per class, ascending label order; empty for {@link KMeans#fit}
 */
public record KMeansResult(
        NDArray centroids,
        double inertia,
        double[] inertiaHistory,
        int iterations,
        boolean converged,
        long[] clusterSizes,
        int emptyClustersRepaired,
        List<ClassResult> perClass)
        implements AutoCloseable {

    /**
     * The k-means of one class.
     *
     * @param label the class label
     * @param points number of points with this label
     * @param firstRow first centroid row of this class ({@code index * kPerClass})
     * @param inertia final inertia over this class's points and centroids
     * @param inertiaHistory as {@link KMeansResult#inertiaHistory()}, for this class
     * @param iterations iterations run for this class
     * @param converged whether this class's iterations converged before the cap
     * @param emptyClustersRepaired empty-cluster repairs in this class
     */
    public record ClassResult(
            long label,
            long points,
            int firstRow,
            double inertia,
            double[] inertiaHistory,
            int iterations,
            boolean converged,
            int emptyClustersRepaired) {}

    /** Number of centroids K. */
    public int k() {
        return clusterSizes.length;
    }

    /** Centroids with no point in the final assignment (0 after a successful repair). */
    public int emptyClusters() {
        int empty = 0;
        for (long size : clusterSizes) {
            if (size == 0) {
                empty++;
            }
        }
        return empty;
    }

    /** Closes the centroids. */
    @Override
    public void close() {
        centroids.close();
    }
}
