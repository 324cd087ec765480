package io.github.vqlc.quantizers.codebook.kmeans;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.ops.Segments;
import io.github.vqlc.core.search.NearestCodeSearch;
import io.github.vqlc.core.search.SearchResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The iteration loops of {@link KMeans} (full Lloyd and mini-batch) over points {@code x} (N, D)
 * owned by a scratch manager; see {@link KMeans} for the algorithms and stopping rules.
 */
final class Iterations {

    private final SplitSearch search;
    private final KMeansObserver observer;
    private final int maxIterations;
    private final KMeans.Stop stop;
    private final double tolerance;
    private final boolean prune;

    /**
     * @param prune full Lloyd mode: search only the points that {@link KeepRadii} cannot prove still
     *     nearest their previous centre
     */
    Iterations(
            SplitSearch search,
            KMeansObserver observer,
            int maxIterations,
            KMeans.Stop stop,
            double tolerance,
            boolean prune) {
        this.search = search;
        this.observer = observer;
        this.maxIterations = maxIterations;
        this.stop = stop;
        this.tolerance = tolerance;
        this.prune = prune;
    }

    /**
     * Full Lloyd iterations from {@code centres} (K, D), which this method takes over (closes).
     *
     * @return centroids attached to {@code x}'s manager
     */
    KMeans.Outcome lloyd(NDArray x, NDArray centres) {
        NDManager m = x.getManager();
        long k = centres.getShape().get(0);
        NDArray augmented = withOnes(x); // (N, D+1): one scatter-add yields sums and counts
        List<Double> history = new ArrayList<>();
        NDArray previous = null;
        int repaired = 0;
        double previousInertia = Double.NaN;
        boolean stopped = false;
        for (int it = 1; it <= maxIterations; it++) {
            long t0 = System.nanoTime();
            double inertia;
            boolean converged;
            double squaredShift = Double.NaN;
            try (NDManager step = m.newSubManager()) {
                centres.attach(step); // the old centres and every temporary die with the step
                SearchResult assigned = reassign(x, centres, previous, it, step);
                inertia = sum(assigned.distances());
                Update u = update(augmented, assigned, centres, k);
                repaired += u.repaired();
                boolean unchanged = previous != null
                        && u.repaired() == 0
                        && assigned.indices().contentEquals(previous);
                assigned.indices().attach(m);
                if (previous != null) {
                    previous.close();
                }
                previous = assigned.indices();
                if (stop == KMeans.Stop.CENTRE_SHIFT) {
                    squaredShift = squaredShift(u.centres(), centres);
                }
                u.centres().attach(m);
                centres = u.centres();
                converged = unchanged
                        || (stop == KMeans.Stop.CENTRE_SHIFT
                                ? squaredShift < tolerance
                                : improvementAtMostTolerance(previousInertia, inertia));
            }
            history.add(inertia);
            observer.onIteration(it, inertia, (System.nanoTime() - t0) / 1e9);
            previousInertia = inertia;
            if (converged) {
                stopped = true;
                break;
            }
        }
        augmented.close();
        KMeans.Outcome outcome = finish(x, centres, previous, history, repaired, stopped);
        if (previous != null) {
            previous.close();
        }
        return outcome;
    }

    /**
     * Mini-batch k-means (Sculley 2010) from {@code centres} (K, D), which this method takes over.
     *
     * @return centroids attached to {@code x}'s manager
     */
    KMeans.Outcome miniBatch(NDArray x, NDArray centres, int batchSize, long seed) {
        NDManager m = x.getManager();
        int n = Math.toIntExact(x.getShape().get(0));
        long k = centres.getShape().get(0);
        long d = x.getShape().get(1);
        int b = Math.min(batchSize, n);
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        NDArray seen = m.zeros(new Shape(k, 1), DataType.FLOAT32); // points ever assigned, per centre
        List<Double> history = new ArrayList<>();
        int repaired = 0;
        double previousInertia = Double.NaN;
        boolean stopped = false;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int pass = 1; pass <= maxIterations; pass++) {
            long t0 = System.nanoTime();
            shuffle(order, random);
            double inertia = 0;
            for (int from = 0; from < n; from += b) {
                try (NDManager step = m.newSubManager()) {
                    centres.attach(step); // the old state and every temporary die with the step
                    seen.attach(step);
                    long[] rows = new long[Math.min(b, n - from)];
                    for (int i = 0; i < rows.length; i++) {
                        rows[i] = order[from + i];
                    }
                    NDArray batch = Seeding.rows(x, rows);
                    batch.attach(step);
                    SearchResult assigned = assign(batch, centres, step);
                    inertia += sum(assigned.distances());
                    NDArray sums = Segments.sumByIndex(withOnes(batch), assigned.indices(), k); // (K, D+1)
                    NDArray counts = sums.get(column(d, d + 1));
                    NDArray total = seen.add(counts);
                    // running mean of every point ever assigned: (c * seen + batch sum) / (seen + count)
                    NDArray updated =
                            centres.mul(seen).addi(sums.get(column(0, d))).divi(total.maximum(1f));
                    NDArray next = NDArrays.where(counts.gt(0f).broadcast(updated.getShape()), updated, centres);
                    next.attach(step);
                    if (from + b >= n) { // end of the pass: centres no point has reached are empty
                        repaired += relocateNeverUsed(next, total, batch, assigned, step);
                    }
                    next.attach(m);
                    total.attach(m);
                    centres = next;
                    seen = total;
                }
            }
            history.add(inertia);
            observer.onIteration(pass, inertia, (System.nanoTime() - t0) / 1e9);
            boolean converged = improvementAtMostTolerance(previousInertia, inertia);
            previousInertia = inertia;
            if (converged) {
                stopped = true;
                break;
            }
        }
        seen.close();
        return finish(x, centres, null, history, repaired, stopped);
    }

    /**
     * Mini-batch repair: centres that no point has reached yet ({@code seen == 0}) move onto the
     * batch points farthest from their centres; {@code centres} is changed in place.
     */
    private static int relocateNeverUsed(
            NDArray centres, NDArray seen, NDArray batch, SearchResult assigned, NDManager step) {
        long[] empty = zeroRows(seen.toFloatArray());
        int e = (int) Math.min(empty.length, batch.getShape().get(0));
        if (e == 0) {
            return 0;
        }
        NDArray far = assigned.distances().topK(e, 0, true, true).get(1);
        NDArray targets = step.create(Arrays.copyOf(empty, e));
        centres.set(new NDIndex("{}", targets), batch.get(far));
        return e;
    }

    /** The new centres of one Lloyd iteration and how many empty clusters were repaired. */
    private record Update(NDArray centres, int repaired) {}

    /**
     * Means of the assigned points; empty clusters take the farthest points (scikit-learn's rule).
     * Returns centres attached to the step's manager (that of {@code assigned}).
     */
    private static Update update(NDArray augmented, SearchResult assigned, NDArray centres, long k) {
        NDManager step = assigned.indices().getManager();
        long d = augmented.getShape().get(1) - 1;
        NDArray sums = Segments.sumByIndex(augmented, assigned.indices(), k); // (K, D+1)
        sums.attach(step);
        long[] empty = zeroRows(sums.get(column(d, d + 1)).toFloatArray());
        int repaired = empty.length;
        if (repaired > 0) {
            // the `repaired` points farthest from their centres become the empty clusters' only points
            NDArray far = assigned.distances().topK(repaired, 0, true, true).get(1);
            NDArray rows = augmented.get(far); // (E, D+1)
            rows.attach(step);
            NDArray owners = assigned.indices().get(far);
            NDArray targets = step.create(empty);
            NDArray moved = Segments.sumByIndex(rows, targets, k).subi(Segments.sumByIndex(rows, owners, k));
            sums = sums.add(moved);
        }
        NDArray counts = sums.get(column(d, d + 1)); // (K, 1)
        NDArray means = sums.get(column(0, d)).div(counts.maximum(1f));
        NDArray next = NDArrays.where(counts.gt(0f).broadcast(means.getShape()), means, centres);
        next.attach(step);
        return new Update(next, repaired);
    }

    /**
     * Final assignment with the final centres: inertia and cluster sizes; {@code previous} (may be
     * null) is the last iteration's assignment.
     */
    private KMeans.Outcome finish(
            NDArray x, NDArray centres, NDArray previous, List<Double> history, int repaired, boolean converged) {
        long k = centres.getShape().get(0);
        double inertia;
        long[] sizes = new long[Math.toIntExact(k)];
        try (NDManager step = x.getManager().newSubManager()) {
            SearchResult assigned = reassign(x, centres, previous, history.size() + 1, step);
            inertia = sum(assigned.distances());
            NDArray ones = step.ones(new Shape(x.getShape().get(0), 1));
            float[] counts = Segments.sumByIndex(ones, assigned.indices(), k).toFloatArray();
            for (int i = 0; i < counts.length; i++) {
                sizes[i] = Math.round(counts[i]);
            }
        }
        double[] inertias = history.stream().mapToDouble(Double::doubleValue).toArray();
        return new KMeans.Outcome(centres, inertia, inertias, sizes, repaired, converged);
    }

    /**
     * As {@link #assign}, given the previous assignment ({@code null}: none): with pruning on, a
     * point keeps its previous centre without a search when it lies within that centre's {@link
     * KeepRadii} radius, which proves the centre still strictly nearest; only the other points are
     * searched. Same indices as a full search (up to the search's own rounding), and the same exact
     * distances. The test, the search and the distances run per row part on the search threads.
     * Reports the searched count to the observer.
     */
    private SearchResult reassign(NDArray x, NDArray centres, NDArray previous, int pass, NDManager step) {
        long n = x.getShape().get(0);
        if (previous == null || !prune) {
            observer.onAssignment(pass, n, n);
            return assign(x, centres, step);
        }
        NDArray norms = NearestCodeSearch.codeSqNorms(centres);
        norms.attach(step);
        NDArray radii = KeepRadii.squared(centres, search);
        radii.attach(step);
        AtomicLong searched = new AtomicLong();
        SearchResult r = search.byRows(x, (rows, from) -> {
            NDManager part = rows.getManager();
            long count = rows.getShape().get(0);
            try (NDManager scratch = part.newSubManager()) {
                NDArray kept = previous.get(new NDIndex().addSliceDim(from, from + count));
                kept.attach(scratch);
                NDArray indices = kept.duplicate(); // a copy: the misses are written into it
                NDArray distances = squaredDistances(rows, centres, indices);
                distances.attach(scratch);
                NDArray limits = radii.get(indices);
                limits.attach(scratch);
                NDArray misses = distances.gte(limits).nonzero().squeeze(1); // (M) int64
                long m = misses.getShape().get(0);
                if (m > 0) {
                    NDArray points = rows.get(misses);
                    points.attach(scratch);
                    SearchResult found = nearest(points, centres, norms);
                    NDIndex at = new NDIndex("{}", misses);
                    indices.set(at, found.indices());
                    distances.set(at, found.distances());
                }
                searched.addAndGet(m);
                indices.attach(part);
                distances.attach(part);
                return new SearchResult(indices, distances);
            }
        });
        r.indices().attach(step);
        r.distances().attach(step);
        observer.onAssignment(pass, searched.get(), n);
        return r;
    }

    /**
     * Nearest centre of every point; the distances returned are recomputed as {@code ||x -
     * c_idx||^2} from the differences (O(N*D), exact to float32 rounding), because the search's
     * expansion {@code ||x||^2 - 2 x.c + ||c||^2} loses digits when the norms dwarf the distances.
     * Runs per row part on the search threads.
     */
    private SearchResult assign(NDArray x, NDArray centres, NDManager step) {
        NDArray norms = NearestCodeSearch.codeSqNorms(centres);
        norms.attach(step);
        SearchResult r = search.byRows(x, (rows, from) -> nearest(rows, centres, norms));
        r.indices().attach(step);
        r.distances().attach(step);
        return r;
    }

    /** {@link #assign} of some rows on the calling thread; results in {@code rows}' manager. */
    private SearchResult nearest(NDArray rows, NDArray centres, NDArray norms) {
        SearchResult r = search.single().search(rows, centres, norms);
        r.distances().close();
        return new SearchResult(r.indices(), squaredDistances(rows, centres, r.indices()));
    }

    /** {@code ||x_i - c_{indices_i}||^2} (N) from the differences, in {@code x}'s manager. */
    private static NDArray squaredDistances(NDArray x, NDArray centres, NDArray indices) {
        try (NDArray nearest = centres.get(indices);
                NDArray diff = x.sub(nearest);
                NDArray sq = diff.square()) {
            return sq.sum(new int[] {1});
        }
    }

    private boolean improvementAtMostTolerance(double previous, double current) {
        return tolerance > 0 && previous > 0 && (previous - current) <= tolerance * previous;
    }

    /** (sum_k ||next_k - previous_k||)^2, kmeans_pytorch's convergence measure, in double precision. */
    private static double squaredShift(NDArray next, NDArray previous) {
        try (NDArray moved = next.sub(previous).toType(DataType.FLOAT64, false);
                NDArray norms = moved.square().sum(new int[] {1}).sqrt();
                NDArray total = norms.sum()) {
            double shift = total.getDouble();
            return shift * shift;
        }
    }

    /** Sum in double precision, read back to the host. */
    private static double sum(NDArray values) {
        try (NDArray wide = values.toType(DataType.FLOAT64, false);
                NDArray total = wide.sum()) {
            return total.getDouble();
        }
    }

    /** (N, D) -> (N, D+1) with a last column of ones, in {@code x}'s manager. */
    private static NDArray withOnes(NDArray x) {
        try (NDArray ones = x.getManager().ones(new Shape(x.getShape().get(0), 1))) {
            return x.concat(ones, 1);
        }
    }

    /** Columns [from, to) of a matrix. */
    private static NDIndex column(long from, long to) {
        return new NDIndex().addAllDim().addSliceDim(from, to);
    }

    private static long[] zeroRows(float[] counts) {
        int e = 0;
        for (float c : counts) {
            if (c == 0f) {
                e++;
            }
        }
        long[] rows = new long[e];
        for (int i = 0, j = 0; i < counts.length; i++) {
            if (counts[i] == 0f) {
                rows[j++] = i;
            }
        }
        return rows;
    }

    private static void shuffle(int[] order, SplittableRandom random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
