package io.github.vqlc.core.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FusedScanTest {

    @Test
    void everyDimensionGroupingFindsTheExactNearestCodeAcrossChunkAndBlockEdges() {
        Random random = new Random(5);
        // D 1..4: one pass of four (padded), 5..8 one of eight, 9..12 eight then four, 13..16 eight
        // then eight; K off the 32-code chunk, N off the 1,024-query block
        for (int d = 1; d <= FusedScan.MAX_DIM; d++) {
            for (int k : new int[] {1, 255, 257, 1000}) {
                int n = 301;
                float[] x = gaussian(random, n * d);
                float[] codes = gaussian(random, k * d);
                long[] index = new long[n];
                float[] value = new float[n];
                new FusedScan(codes, norms(codes, k, d), k, d).run(x, n, -1, 1, index, value);
                for (int i = 0; i < n; i++) {
                    int expected = exactNearest(x, codes, d, i, k, -1);
                    double exact = distance(x, codes, d, i, expected);
                    if (index[i] != expected) { // only a rounding tie of the expansion may differ
                        double rounding = 1e-6 * (squaredNorm(x, d, i) + squaredNorm(codes, d, (int) index[i]));
                        assertThat(distance(x, codes, d, i, (int) index[i]))
                                .as("D=%d K=%d row %d: code %d for %d", d, k, i, index[i], expected)
                                .isLessThanOrEqualTo(exact + rounding);
                    }
                    double expectedValue = exact - squaredNorm(x, d, i);
                    assertThat((double) value[i]).isCloseTo(expectedValue, offset(1e-4));
                }
            }
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        Random random = new Random(9);
        int n = 2500;
        int k = 3000;
        int d = 8;
        float[] x = gaussian(random, n * d);
        float[] codes = gaussian(random, k * d);
        FusedScan scan = new FusedScan(codes, norms(codes, k, d), k, d);
        long[] one = new long[n];
        float[] oneValue = new float[n];
        scan.run(x, n, -1, 1, one, oneValue);
        for (int threads : new int[] {2, 3, 8}) {
            long[] index = new long[n];
            float[] value = new float[n];
            scan.run(x, n, -1, threads, index, value);
            assertThat(index).containsExactly(one);
            assertThat(value).containsExactly(oneValue);
        }
    }

    @Test
    void exactTiesGoToTheLowestCodeWithinAndAcrossChunks() {
        int k = 700;
        int d = 2;
        float[] codes = new float[k * d];
        for (int c = 0; c < k; c++) {
            codes[2 * c] = 50 + c;
            codes[2 * c + 1] = 50;
        }
        for (int c : new int[] {3, 4, 300, 699}) { // (1, 1): twice in chunk 0, in chunks 1 and 2
            codes[2 * c] = 1;
            codes[2 * c + 1] = 1;
        }
        float[] x = {1, 1};
        long[] index = new long[1];
        new FusedScan(codes, norms(codes, k, d), k, d).run(x, 1, -1, 1, index, new float[1]);
        assertThat(index[0]).isEqualTo(3);
    }

    @Test
    void aQueryThatIsACodeNeverMatchesItself() {
        Random random = new Random(13);
        int k = 600;
        int d = 5;
        float[] codes = gaussian(random, k * d);
        // rows 250..549 of the codebook as queries: their own codes straddle chunks 0..2
        int first = 250;
        int n = 300;
        float[] x = new float[n * d];
        System.arraycopy(codes, first * d, x, 0, n * d);
        long[] index = new long[n];
        new FusedScan(codes, norms(codes, k, d), k, d).run(x, n, first, 2, index, new float[n]);
        for (int i = 0; i < n; i++) {
            assertThat(index[i]).isEqualTo(exactNearest(x, codes, d, i, k, first + i));
        }
    }

    private static int exactNearest(float[] x, float[] codes, int d, int row, int k, int skip) {
        double best = Double.POSITIVE_INFINITY;
        int code = -1;
        for (int c = 0; c < k; c++) {
            double dist = distance(x, codes, d, row, c);
            if (c != skip && dist < best) {
                best = dist;
                code = c;
            }
        }
        return code;
    }

    private static double distance(float[] x, float[] codes, int d, int row, int code) {
        double sum = 0;
        for (int e = 0; e < d; e++) {
            double diff = (double) x[row * d + e] - codes[code * d + e];
            sum += diff * diff;
        }
        return sum;
    }

    private static double squaredNorm(float[] x, int d, int row) {
        double sum = 0;
        for (int e = 0; e < d; e++) {
            sum += (double) x[row * d + e] * x[row * d + e];
        }
        return sum;
    }

    private static float[] norms(float[] codes, int k, int d) {
        float[] norms = new float[k];
        for (int c = 0; c < k; c++) {
            float s = 0;
            for (int e = 0; e < d; e++) {
                s += codes[c * d + e] * codes[c * d + e];
            }
            norms[c] = s;
        }
        return norms;
    }

    private static float[] gaussian(Random random, int count) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }
}
