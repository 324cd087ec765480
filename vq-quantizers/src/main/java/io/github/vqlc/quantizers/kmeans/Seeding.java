package io.github.vqlc.quantizers.kmeans;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
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
     * Greedy k-means++ (Arthur and Vassilvitskii 2007, with the local trials of scikit-learn's
     * default): the first centre is a uniform draw; each further centre is the best, by the
     * resulting potential (sum over points of the squared distance to the nearest centre so far),
     * of {@code 2 + floor(ln k)} candidates drawn with probability proportional to that squared
     * distance. Per centre one (N, D) x (D, trials) product on the device and one copy of the N
     * current distances to the host, where the draw happens (binary search in a double-precision
     * cumulative sum); the loop is sequential in k.
     *
     * @param points (N, D) float32, N &ge; k
     * @return (k, D) float32, attached to {@code points}' manager
     */
    static NDArray kMeansPlusPlus(NDArray points, int k, long seed) {
        int n = Math.toIntExact(points.getShape().get(0));
        int trials = 2 + (int) Math.floor(Math.log(k));
        SplittableRandom random = new SplittableRandom(seed);
        long[] chosen = new long[k];
        NDManager parent = points.getManager();
        try (NDManager sub = parent.newSubManager(points.getDevice())) {
            NDArray x = points.stopGradient();
            x.attach(sub);
            NDArray xNorms = x.square().sum(new int[] {1}, true); // (N, 1)
            chosen[0] = random.nextInt(n);
            NDArray closest = squaredDistances(x, xNorms, new long[] {chosen[0]}).squeeze(1); // (N)
            double[] cumulative = new double[n];
            for (int c = 1; c < k; c++) {
                try (NDManager step = sub.newSubManager()) {
                    float[] current = closest.toFloatArray();
                    double total = cumulate(current, cumulative);
                    long[] candidates = new long[trials];
                    for (int t = 0; t < trials; t++) {
                        candidates[t] = draw(cumulative, total, random);
                    }
                    NDArray d = squaredDistances(x, xNorms, candidates); // (N, trials)
                    d.attach(step);
                    NDArray best = d.minimum(closest.expandDims(1)); // (N, trials)
                    float[] potentials = best.sum(new int[] {0}).toFloatArray();
                    int winner = 0;
                    for (int t = 1; t < trials; t++) {
                        if (potentials[t] < potentials[winner]) {
                            winner = t;
                        }
                    }
                    chosen[c] = candidates[winner];
                    NDArray next = best.get(new NDIndex(":, {}", winner));
                    next.attach(sub);
                    closest.close();
                    closest = next;
                }
            }
        }
        return rows(points, chosen);
    }

    /** (N, m) squared distances of every point to the points at {@code index}, clipped at 0. */
    private static NDArray squaredDistances(NDArray x, NDArray xNorms, long[] index) {
        NDManager m = x.getManager();
        try (NDManager scratch = m.newSubManager(x.getDevice())) {
            NDArray idx = scratch.create(index);
            NDArray centres = x.get(idx); // (m, D)
            NDArray centreNorms = centres.square().sum(new int[] {1}); // (m)
            NDArray cross = x.matMul(centres.transpose()); // (N, m)
            NDArray d = cross.muli(-2f).addi(xNorms).addi(centreNorms).clip(0f, Float.MAX_VALUE);
            d.attach(m);
            return d;
        }
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
