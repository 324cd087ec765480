package io.github.vqlc.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SyntheticDatasetTest {

    @Test
    void deterministicInRangeAndClassDependent() {
        SyntheticDataset a = new SyntheticDataset(40, 4, 3, 16, 7);
        SyntheticDataset b = new SyntheticDataset(40, 4, 3, 16, 7);
        SyntheticDataset c = new SyntheticDataset(40, 4, 3, 16, 8);
        int f = a.imageFloats();
        assertThat(f).isEqualTo(3 * 16 * 16);
        float[] x = new float[f];
        float[] y = new float[f];
        float[] z = new float[f];
        a.image(13, x, 0, null);
        b.image(13, y, 0, null);
        c.image(13, z, 0, null);
        assertThat(x).containsExactly(y);
        assertThat(x).isNotEqualTo(z);
        for (float v : x) {
            assertThat(v).isBetween(-1f, 1f);
        }
        assertThat(a.label(13)).isEqualTo(1);

        // per-class mean images differ much more between classes than within a class
        double[][] means = new double[4][f];
        float[] buf = new float[f];
        for (int i = 0; i < 40; i++) {
            a.image(i, buf, 0, null);
            for (int k = 0; k < f; k++) {
                means[a.label(i)][k] += buf[k] / 10.0;
            }
        }
        double between = 0;
        for (int k = 0; k < f; k++) {
            between += Math.abs(means[0][k] - means[2][k]);
        }
        assertThat(between / f).isGreaterThan(0.05);
    }
}
