package io.github.vqlc.quantizers.codebook.kmeans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.github.vqlc.core.search.NearestCodeSearch;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeepRadiiTest {

    /** A plain search on the caller's thread, in tiles of 64 KiB: many tiles, some across the diagonal. */
    private static final SplitSearch SEARCH = new SplitSearch(
            NearestCodeSearch.builder().optMemoryBudgetBytes(64 << 10).build(), 1, true);

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void handCheckedRadiiAreAQuarterOfTheSquaredGapLessTheMargin() {
        // gaps: (0,0)-(4,0) = 4 for both, (0,10) to (0,0) = 10 (to (4,0) it is sqrt(116))
        float[] r2 = KeepRadii.squared(manager.create(new float[][] {{0, 0}, {4, 0}, {0, 10}}), SEARCH)
                .toFloatArray();
        assertThat(r2[0]).isCloseTo(4f, within(0.01f)).isLessThan(4f);
        assertThat(r2[1]).isCloseTo(4f, within(0.01f)).isLessThan(4f);
        assertThat(r2[2]).isCloseTo(25f, within(0.02f)).isLessThan(25f);
    }

    @Test
    void duplicateCentresKeepNothingAndASingleCentreKeepsEverything() {
        float[] dup = KeepRadii.squared(manager.create(new float[][] {{1, 2}, {1, 2}, {5, 5}}), SEARCH)
                .toFloatArray();
        assertThat(dup[0]).isZero();
        assertThat(dup[1]).isZero();
        float[] one = KeepRadii.squared(manager.create(new float[][] {{1, 2}}), SEARCH)
                .toFloatArray();
        assertThat(one[0]).isEqualTo(Float.MAX_VALUE);
    }

    @Test
    void radiiMatchBruteForceAcrossManyTiles() {
        // 5,000 centres: many tiles of the nearest-other search
        Random random = new Random(3);
        float[][] c = new float[5000][3];
        for (float[] row : c) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        float[] r2 = KeepRadii.squared(manager.create(c), SEARCH).toFloatArray();
        for (int i = 0; i < c.length; i += 499) {
            double gap = Double.POSITIVE_INFINITY;
            for (int j = 0; j < c.length; j++) {
                if (j != i) {
                    gap = Math.min(gap, squaredDistance(c[i], c[j]));
                }
            }
            assertThat((double) r2[i])
                    .as("centre %d", i)
                    .isLessThanOrEqualTo(gap / 4)
                    .isCloseTo(gap / 4, within(1e-3));
        }
    }

    @Test
    void everyPointInsideARadiusHasThatCentreStrictlyNearest() {
        // far-off centres (large norms next to the gaps: the expansion's rounding is at its worst)
        Random random = new Random(9);
        int k = 300;
        int d = 8;
        float[][] c = new float[k][d];
        for (float[] row : c) {
            for (int j = 0; j < d; j++) {
                row[j] = 1000f + (float) random.nextGaussian();
            }
        }
        float[] r2 = KeepRadii.squared(manager.create(c), SEARCH).toFloatArray();
        int kept = 0;
        for (int p = 0; p < 20_000; p++) {
            int home = random.nextInt(k);
            double[] x = new double[d];
            for (int j = 0; j < d; j++) {
                x[j] = c[home][j] + 0.4 * random.nextGaussian();
            }
            for (int i = 0; i < k; i++) {
                if (squaredDistance(x, c[i]) >= r2[i]) {
                    continue;
                }
                kept++;
                for (int j = 0; j < k; j++) {
                    if (j != i) {
                        assertThat(squaredDistance(x, c[j])).isGreaterThan(squaredDistance(x, c[i]));
                    }
                }
            }
        }
        assertThat(kept).as("points kept").isGreaterThan(1000);
    }

    private static double squaredDistance(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double diff = (double) a[j] - b[j];
            s += diff * diff;
        }
        return s;
    }

    private static double squaredDistance(double[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double diff = a[j] - b[j];
            s += diff * diff;
        }
        return s;
    }
}
