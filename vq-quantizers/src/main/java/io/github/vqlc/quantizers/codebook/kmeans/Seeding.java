package io.github.vqlc.quantizers.codebook.kmeans;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.LinkedHashSet;
import java.util.SplittableRandom;

/**
 * Initial centres. Random draws come from a {@link SplittableRandom} on the host (so a seed gives
 * the same centres on every device and run); the points and the distances stay on their device.
 */
final class Seeding {

    private Seeding() {}

    /**
     * k rows of {@code points} chosen uniformly without replacement (partial Fisher-Yates shuffle).
     *
     * @param points (N, D) float32, N &ge; k
     * @return (k, D) float32 copy, attached to {@code points}' manager
     */
    static NDArray random(NDArray points, int k, long seed) {
        int n = Math.toIntExact(points.getShape().get(0));
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        long[] chosen = new long[k];
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
            chosen[i] = order[i];
        }
        return rows(points, chosen);
    }

    /**
     * k-means++ (Arthur and Vassilvitskii 2007): the first centre is a uniform draw; later centres
     * are drawn with probability proportional to the squared distance to the nearest centre so far.
     *
     * <p>{@code batch = 1}: exact greedy k-means++ as scikit-learn's default: each centre is the
     * best, by the resulting potential (sum of squared distances to the nearest centre), of {@code
     * 2 + floor(ln k)} candidates. One pass over the points per centre (a (trials, D) x (D, N)
     * product), so k passes in all.
     *
     * <p>{@code batch = b > 1}: batched candidate sampling: each pass draws b distinct centres at
     * once from the same distribution (they do not see each other) and then updates the distances
     * with one (b, D) x (D, N) product; ceil((k-1)/b) passes. With k = 10,000 the exact variant
     * makes 10,000 memory-bound passes over the points, the batched one 50 to 200.
     *
     * <p>The draws happen on the host (one copy of the N current distances per pass, binary search
     * in a double-precision cumulative sum); everything else stays on the points' device.
     *
     * @param points (N, D) float32, N &ge; k
     * @param batch centres per pass, &ge; 1
     * @return (k, D) float32, attached to {@code points}' manager
     */
    static NDArray kMeansPlusPlus(NDArray points, int k, long seed, int batch) {
        int n = Math.toIntExact(points.getShape().get(0));
        int trials = batch == 1 ? 2 + (int) Math.floor(Math.log(k)) : 1;
        SplittableRandom random = new SplittableRandom(seed);
        long[] chosen = new long[k];
        NDManager parent = points.getManager();
        try (NDManager sub = parent.newSubManager(points.getDevice())) {
            NDArray x = points.stopGradient();
            x.attach(sub);
            NDArray xT = x.transpose(); // (D, N): distances laid out (m, N), N contiguous
            NDArray xNorms = x.square().sum(new int[] {1}).expandDims(0); // (1, N)
            chosen[0] = random.nextInt(n);
            NDArray closest = squaredDistances(x, xT, xNorms, new long[] {chosen[0]}); // (1, N)
            double[] cumulative = new double[n];
            int c = 1;
            while (c < k) {
                try (NDManager step = sub.newSubManager()) {
                    double total = cumulate(closest.toFloatArray(), cumulative);
                    NDArray next;
                    if (batch == 1) {
                        long[] candidates = new long[trials];
                        for (int t = 0; t < trials; t++) {
                            candidates[t] = draw(cumulative, total, random);
                        }
                        NDArray d = squaredDistances(x, xT, xNorms, candidates); // (trials, N)
                        d.attach(step);
                        NDArray best = d.minimum(closest); // (trials, N)
                        float[] potentials = best.sum(new int[] {1}).toFloatArray();
                        int winner = 0;
                        for (int t = 1; t < trials; t++) {
                            if (potentials[t] < potentials[winner]) {
                                winner = t;
                            }
                        }
                        chosen[c++] = candidates[winner];
                        next = best.get(new NDIndex().addSliceDim(winner, winner + 1));
                    } else {
                        int b = Math.min(batch, k - c);
                        long[] drawn = drawDistinct(cumulative, total, b, random);
                        System.arraycopy(drawn, 0, chosen, c, b);
                        c += b;
                        NDArray d = squaredDistances(x, xT, xNorms, drawn); // (b, N)
                        d.attach(step);
                        next = d.min(new int[] {0}, true).minimum(closest);
                    }
                    next.attach(sub);
                    closest.close();
                    closest = next;
                }
            }
        }
        return rows(points, chosen);
    }

    /** (m, N) squared distances of the points at {@code index} to every point, clipped at 0. */
    private static NDArray squaredDistances(NDArray x, NDArray xT, NDArray xNorms, long[] index) {
        NDManager m = x.getManager();
        try (NDManager scratch = m.newSubManager(x.getDevice())) {
            NDArray idx = scratch.create(index);
            NDArray centres = x.get(idx); // (m, D)
            NDArray centreNorms = centres.square().sum(new int[] {1}, true); // (m, 1)
            NDArray cross = centres.matMul(xT); // (m, N)
            NDArray d = cross.muli(-2f).addi(xNorms).addi(centreNorms).clip(0f, Float.MAX_VALUE);
            d.attach(m);
            return d;
        }
    }

    /** {@code count} distinct indices drawn with probability proportional to their values. */
    private static long[] drawDistinct(double[] cumulative, double total, int count, SplittableRandom random) {
        LinkedHashSet<Long> picked = new LinkedHashSet<>();
        int attempts = 0;
        while (picked.size() < count) {
            // after many collisions (mass concentrated on few points) fall back to uniform draws
            boolean uniform = attempts++ > 20 * count;
            picked.add(uniform ? (long) random.nextInt(cumulative.length) : draw(cumulative, total, random));
        }
        return picked.stream().mapToLong(Long::longValue).toArray();
    }

    /** Writes the running sum of {@code values} into {@code cumulative}; returns the total. */
    private static double cumulate(float[] values, double[] cumulative) {
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            sum += values[i];
            cumulative[i] = sum;
        }
        return sum;
    }

    /** An index drawn with probability proportional to its value (uniform if all are 0). */
    private static long draw(double[] cumulative, double total, SplittableRandom random) {
        if (!(total > 0)) {
            return random.nextInt(cumulative.length);
        }
        double u = random.nextDouble() * total;
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) { // first i with cumulative[i] > u
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** Copies of the rows at {@code index}, attached to {@code points}' manager. */
    static NDArray rows(NDArray points, long[] index) {
        NDManager m = points.getManager();
        try (NDManager scratch = m.newSubManager(points.getDevice())) {
            NDArray idx = scratch.create(index);
            NDArray detached = points.stopGradient();
            detached.attach(scratch);
            NDArray picked = detached.get(idx);
            picked.attach(m);
            return picked;
        }
    }
}
