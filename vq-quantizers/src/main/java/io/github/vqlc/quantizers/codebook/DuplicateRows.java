package io.github.vqlc.quantizers.codebook;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Rows of a matrix equal to an earlier row: codes a quantizer can never tell apart. */
final class DuplicateRows {
    private DuplicateRows() {}

    /** How many of the {@code rows} rows of {@code data} (row-major, {@code dim} wide) repeat an earlier row. */
    static int count(float[] data, int rows, int dim) {
        Map<Integer, List<Integer>> byHash = new HashMap<>();
        int duplicates = 0;
        for (int r = 0; r < rows; r++) {
            int from = r * dim;
            int hash = Arrays.hashCode(Arrays.copyOfRange(data, from, from + dim));
            List<Integer> same = byHash.computeIfAbsent(hash, h -> new ArrayList<>());
            boolean repeated = false;
            for (int other : same) {
                if (Arrays.equals(data, other * dim, other * dim + dim, data, from, from + dim)) {
                    repeated = true;
                    break;
                }
            }
            if (repeated) {
                duplicates++;
            } else {
                same.add(r);
            }
        }
        return duplicates;
    }
}
