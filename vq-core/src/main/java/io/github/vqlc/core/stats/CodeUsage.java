package io.github.vqlc.core.stats;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/**
 * Usage counts of a codebook accumulated over many batches.
 *
 * <p>Only the batch's index array (B*H*W longs) crosses to the host; the K-entry histogram lives
 * here and is summarized once at the end, so a 100,000-entry codebook costs one long[] and no
 * per-batch copy of the histogram.
 */
public final class CodeUsage {

    private final long[] counts;
    private long total;

    public CodeUsage(int codebookSize) {
        if (codebookSize < 1) {
            throw new IllegalArgumentException("codebookSize must be >= 1, got " + codebookSize);
        }
        this.counts = new long[codebookSize];
    }

    /** Counts every index of an int64 (or int32) array of any shape. */
    public void add(NDArray indices) {
        long[] values = indices.toType(DataType.INT64, false).toLongArray();
        add(values);
    }

    public void add(long[] indices) {
        for (long index : indices) {
            if (index < 0 || index >= counts.length) {
                throw new IllegalArgumentException("code index " + index + " outside [0, " + counts.length + ")");
            }
            counts[(int) index]++;
        }
        total += indices.length;
    }

    /** Adds another accumulator's counts (same codebook size). */
    public void merge(CodeUsage other) {
        if (other.counts.length != counts.length) {
            throw new IllegalArgumentException(
                    "codebook sizes differ: " + counts.length + " vs " + other.counts.length);
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
    }

    public int codebookSize() {
        return counts.length;
    }

    public long total() {
        return total;
    }

    public long count(int code) {
        return counts[code];
    }

    /** Number of distinct codes chosen at least once. */
    public int used() {
        int used = 0;
        for (long c : counts) {
            if (c > 0) {
                used++;
            }
        }
        return used;
    }

    /** Codes never chosen. */
    public int deadCodes() {
        return counts.length - used();
    }

    /** Distinct codes used / codebook size, in [0, 1]. */
    /**
     * Utilization of each of {@code levels} equal parts of the codes ({@link LevelCodes}' pooled
     * codes: level g owns codes [g K, (g + 1) K)).
     */
    public double[] levelUtilization(int levels) {
        if (levels < 1 || counts.length % levels != 0) {
            throw new IllegalArgumentException(counts.length + " codes do not split into " + levels + " levels");
        }
        int k = counts.length / levels;
        double[] out = new double[levels];
        for (int g = 0; g < levels; g++) {
            int used = 0;
            for (int i = g * k; i < (g + 1) * k; i++) {
                used += counts[i] > 0 ? 1 : 0;
            }
            out[g] = (double) used / k;
        }
        return out;
    }

    public double utilization() {
        return used() / (double) counts.length;
    }

    /** exp(entropy) of the empirical code distribution: 1 when one code is used, K when all are used equally. */
    public double perplexity() {
        if (total == 0) {
            return 0;
        }
        double entropy = 0;
        for (long c : counts) {
            if (c > 0) {
                double p = c / (double) total;
                entropy -= p * Math.log(p);
            }
        }
        return Math.exp(entropy);
    }

    /** Counts sorted from most to least used (for usage plots). */
    public long[] sortedDescending() {
        long[] sorted = counts.clone();
        Arrays.sort(sorted);
        for (int i = 0, j = sorted.length - 1; i < j; i++, j--) {
            long t = sorted[i];
            sorted[i] = sorted[j];
            sorted[j] = t;
        }
        return sorted;
    }

    public long[] counts() {
        return counts.clone();
    }
}
