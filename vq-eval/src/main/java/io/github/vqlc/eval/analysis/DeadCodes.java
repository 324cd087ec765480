package io.github.vqlc.eval.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Where the dead codes (never chosen in the counting pass) are. */
public final class DeadCodes {

    /** A run of codebook rows that belongs to one class of a per-class codebook. */
    public record Block(String label, int firstRow, int rows) {}

    private static final long[] SIZE_EDGES = {0, 1, 2, 4, 8, 16, 32, 64, 128};

    private DeadCodes() {}

    /**
     * Dead fraction by the size of the code's k-means cluster (the training vectors nearest to it
     * when the codebook was built): 0 (empty), 1 (singleton), 2-3, 4-7, ..., 128+.
     */
    public static List<Bin> byClusterSize(long[] usage, long[] clusterSizes) {
        check(usage.length, clusterSizes.length, "cluster sizes");
        List<Bin> bins = new ArrayList<>();
        for (int b = 0; b < SIZE_EDGES.length; b++) {
            long lo = SIZE_EDGES[b];
            long hi = b + 1 < SIZE_EDGES.length ? SIZE_EDGES[b + 1] : Long.MAX_VALUE;
            int codes = 0;
            int dead = 0;
            for (int k = 0; k < usage.length; k++) {
                if (clusterSizes[k] >= lo && clusterSizes[k] < hi) {
                    codes++;
                    dead += usage[k] == 0 ? 1 : 0;
                }
            }
            bins.add(new Bin(sizeLabel(lo, hi), codes, dead));
        }
        return bins;
    }

    /** Whether a bin of {@link #byClusterSize} holds clusters of 1-3 training vectors. */
    static boolean smallClusters(Bin bin) {
        return bin.label().equals(sizeLabel(1, 2)) || bin.label().equals(sizeLabel(2, 4));
    }

    /** The label of cluster sizes [lo, hi): "1", "2-3", ..., "128+". */
    private static String sizeLabel(long lo, long hi) {
        return hi == Long.MAX_VALUE ? lo + "+" : hi - lo == 1 ? String.valueOf(lo) : lo + "-" + (hi - 1);
    }

    /** Dead fraction per class block of a per-class codebook. */
    public static List<Bin> byBlock(long[] usage, List<Block> blocks) {
        List<Bin> bins = new ArrayList<>();
        for (Block b : blocks) {
            int dead = 0;
            for (int k = b.firstRow(); k < b.firstRow() + b.rows(); k++) {
                dead += usage[k] == 0 ? 1 : 0;
            }
            bins.add(new Bin(b.label(), b.rows(), dead));
        }
        return bins;
    }

    /** Dead fraction per decile of a per-code value (the code's norm in the latent space), lowest first. */
    public static List<Bin> byDecile(long[] usage, float[] values) {
        check(usage.length, values.length, "values");
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(values[a], values[b]));
        List<Bin> bins = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            int from = (int) ((long) d * order.length / 10);
            int to = (int) ((long) (d + 1) * order.length / 10);
            int dead = 0;
            for (int i = from; i < to; i++) {
                dead += usage[order[i]] == 0 ? 1 : 0;
            }
            String label = to > from
                    ? String.format(Locale.ROOT, "%.3g-%.3g", values[order[from]], values[order[to - 1]])
                    : "-";
            bins.add(new Bin(label, to - from, dead));
        }
        return bins;
    }

    private static void check(int k, int n, String what) {
        if (k != n) {
            throw new IllegalArgumentException(what + " has " + n + " entries for " + k + " codes");
        }
    }
}
