package io.github.vqlc.eval.analysis;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The 10th, 50th and 90th percentiles (and extremes) of a sample, for tables. */
public final class Quantiles {

    private Quantiles() {}

    /** min, p10, p50, p90, max of {@code values} (empty map for none), nearest-rank on the sorted copy. */
    public static Map<String, Double> of(float[] values) {
        Map<String, Double> q = new LinkedHashMap<>();
        if (values.length == 0) {
            return q;
        }
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        q.put("min", (double) sorted[0]);
        q.put("p10", (double) sorted[(int) (0.1 * (sorted.length - 1))]);
        q.put("p50", (double) sorted[(int) (0.5 * (sorted.length - 1))]);
        q.put("p90", (double) sorted[(int) (0.9 * (sorted.length - 1))]);
        q.put("max", (double) sorted[sorted.length - 1]);
        return q;
    }

    /** The entries of {@code values} where {@code mask} is {@code keep}. */
    public static float[] select(float[] values, boolean[] mask, boolean keep) {
        int n = 0;
        for (boolean b : mask) {
            n += b == keep ? 1 : 0;
        }
        float[] out = new float[n];
        int j = 0;
        for (int i = 0; i < values.length; i++) {
            if (mask[i] == keep) {
                out[j++] = values[i];
            }
        }
        return out;
    }
}
