package io.github.vqlc.quantizers.codebook.kmeans;

import java.util.Arrays;

/**
 * The rows of each class, classes in ascending label order.
 *
 * @param labels the distinct labels, ascending
 * @param rows rows[c] = the indices (ascending) of the points labelled {@code labels[c]}
 */
record ClassRows(long[] labels, long[][] rows) {

    static ClassRows of(long[] pointLabels) {
        long[] distinct = Arrays.stream(pointLabels).distinct().sorted().toArray();
        int[] counts = new int[distinct.length];
        int[] classOf = new int[pointLabels.length];
        for (int i = 0; i < pointLabels.length; i++) {
            classOf[i] = Arrays.binarySearch(distinct, pointLabels[i]);
            counts[classOf[i]]++;
        }
        long[][] rows = new long[distinct.length][];
        for (int c = 0; c < distinct.length; c++) {
            rows[c] = new long[counts[c]];
        }
        int[] filled = new int[distinct.length];
        for (int i = 0; i < pointLabels.length; i++) {
            rows[classOf[i]][filled[classOf[i]]++] = i;
        }
        return new ClassRows(distinct, rows);
    }
}
