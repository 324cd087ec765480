package io.github.vqlc.core.stats;

import java.util.HashSet;
import java.util.Set;

/**
 * Distinct code tuples of a quantizer with G codes per position (the joint codes of residual
 * levels or groups): K^G possible tuples, so the count is reported as a number of distinct tuples
 * seen, not as a fraction. A tuple is one long: exact when K^G < 2^63 (base-K digits), else a 64-bit
 * mix of its codes (a collision among n tuples has probability about n^2 / 2^65, documented).
 */
public final class JointCodes {

    private final int codebookSize;
    private final int codesPerPosition;
    private final boolean exact;
    private final Set<Long> seen = new HashSet<>();

    public JointCodes(int codebookSize, int codesPerPosition) {
        if (codebookSize < 1 || codesPerPosition < 1) {
            throw new IllegalArgumentException("need K >= 1 and G >= 1, got " + codebookSize + ", " + codesPerPosition);
        }
        this.codebookSize = codebookSize;
        this.codesPerPosition = codesPerPosition;
        this.exact = codesPerPosition * Math.log(codebookSize) / Math.log(2) < 63;
    }

    /** Adds positions laid out one after the other, G codes (level 0 first) per position. */
    public void add(long[] codes) {
        if (codes.length % codesPerPosition != 0) {
            throw new IllegalArgumentException(codes.length + " codes are not whole positions of " + codesPerPosition);
        }
        for (int p = 0; p < codes.length; p += codesPerPosition) {
            long key = 0;
            for (int g = 0; g < codesPerPosition; g++) {
                long c = codes[p + g];
                key = exact ? key * codebookSize + c : mix(key * 0x9E3779B97F4A7C15L + c);
            }
            seen.add(key);
        }
    }

    /** Distinct tuples seen. */
    public int distinct() {
        return seen.size();
    }

    public int codesPerPosition() {
        return codesPerPosition;
    }

    /** The finalizer of SplitMix64: spreads every input bit over the output. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
