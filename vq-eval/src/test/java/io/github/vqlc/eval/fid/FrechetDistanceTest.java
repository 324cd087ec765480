package io.github.vqlc.eval.fid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.vqlc.core.UserException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frechet distance against pytorch-fid's computation (fixture from make_fixture.py) and closed forms. */
class FrechetDistanceTest {

    @TempDir
    Path tmp;

    private static List<JsonObject> cases() throws Exception {
        try (Reader r = new InputStreamReader(
                FrechetDistanceTest.class.getResourceAsStream("/fid/frechet_fixture.json"), StandardCharsets.UTF_8)) {
            List<JsonObject> out = new ArrayList<>();
            for (JsonElement e : JsonParser.parseReader(r).getAsJsonObject().getAsJsonArray("cases")) {
                out.add(e.getAsJsonObject());
            }
            return out;
        }
    }

    private static double[][] matrix(JsonArray rows) {
        double[][] m = new double[rows.size()][];
        for (int i = 0; i < m.length; i++) {
            JsonArray row = rows.get(i).getAsJsonArray();
            m[i] = new double[row.size()];
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = row.get(j).getAsDouble();
            }
        }
        return m;
    }

    private static FeatureStatistics stats(double[][] rows) {
        FeatureStatistics s = new FeatureStatistics(rows[0].length);
        s.add(rows);
        return s;
    }

    @Test
    void matchesPytorchFidOnTheFixture() throws Exception {
        List<JsonObject> cases = cases();
        assertThat(cases).hasSize(4);
        for (JsonObject c : cases) {
            FrechetDistance.Result r =
                    FrechetDistance.between(stats(matrix(c.getAsJsonArray("a"))), stats(matrix(c.getAsJsonArray("b"))));
            double expected = c.get("fid").getAsDouble();
            assertThat(r.distance()).as(c.get("name").getAsString()).isCloseTo(expected, within(1e-6 * expected));
            assertThat(r.regularized()).isFalse();
        }
    }

    @Test
    void meanAndCovarianceMatchNumpyAlsoWhenStreamedInDeviceBatches() throws Exception {
        JsonObject c = cases().get(1); // 40 x 16 with an offset of 3
        double[][] a = matrix(c.getAsJsonArray("a"));
        double[] mean = new double[a[0].length];
        JsonArray jm = c.getAsJsonArray("mean_a");
        for (int i = 0; i < mean.length; i++) {
            mean[i] = jm.get(i).getAsDouble();
        }
        double[][] cov = matrix(c.getAsJsonArray("cov_a"));
        FeatureStatistics batched = new FeatureStatistics(a[0].length);
        try (NDManager m = NDManager.newBaseManager()) {
            for (int start = 0; start < a.length; start += 15) { // uneven batches: 15, 15, 10
                int end = Math.min(a.length, start + 15);
                double[][] part = Arrays.copyOfRange(a, start, end);
                NDArray x = m.create(part[0]).reshape(1, -1);
                for (int i = 1; i < part.length; i++) {
                    x = x.concat(m.create(part[i]).reshape(1, -1), 0);
                }
                batched.add(x);
            }
        }
        assertThat(batched.count()).isEqualTo(40);
        for (FeatureStatistics s : List.of(batched, stats(a))) {
            for (int i = 0; i < mean.length; i++) {
                assertThat(s.mean()[i]).isCloseTo(mean[i], within(1e-12));
                for (int j = 0; j < mean.length; j++) {
                    assertThat(s.covariance()[i][j]).isCloseTo(cov[i][j], within(1e-10));
                }
            }
        }
    }

    @Test
    void aSetAgainstItselfIsZeroAndMergeEqualsOnePass() {
        Random rnd = new Random(7);
        double[][] x = new double[300][10];
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = rnd.nextGaussian() * (j + 1) + 100;
            }
        }
        FeatureStatistics all = stats(x);
        assertThat(FrechetDistance.between(all, all).distance())
                .isLessThan(1e-6)
                .isGreaterThan(-1e-6);
        FeatureStatistics merged = stats(Arrays.copyOfRange(x, 0, 123));
        merged.merge(stats(Arrays.copyOfRange(x, 123, 300)));
        assertThat(FrechetDistance.between(all, merged).distance()).isLessThan(1e-6);
        assertThat(merged.covariance()[9][9]).isCloseTo(all.covariance()[9][9], within(1e-9));
    }

    @Test
    void closedFormsForDiagonalAndSingularCovariances() {
        // diagonal: d = |dmu|^2 + sum (sqrt a_i - sqrt b_i)^2
        double[][] s1 = {{4, 0, 0}, {0, 1, 0}, {0, 0, 9}};
        double[][] s2 = {{1, 0, 0}, {0, 1, 0}, {0, 0, 0}}; // singular
        double[] mu1 = {1, 2, 3};
        double[] mu2 = {1, 0, 3};
        double expected = 4 + (2 - 1) * (2 - 1) + 0 + 9;
        assertThat(FrechetDistance.compute(mu1, s1, mu2, s2).distance()).isCloseTo(expected, within(1e-12));
        // both zero: only the means count
        double[][] zero = new double[3][3];
        assertThat(FrechetDistance.compute(mu1, zero, mu2, zero).distance()).isCloseTo(4, within(1e-12));
        // the eps retry: eps on both diagonals gives sum (sqrt(a+eps) - sqrt(b+eps))^2
        double withEps = FrechetDistance.distance(mu1, s1, mu2, s2, FrechetDistance.EPS);
        double e = FrechetDistance.EPS;
        double closed = 4 + sq(Math.sqrt(4 + e) - Math.sqrt(1 + e)) + 0 + sq(Math.sqrt(9 + e) - Math.sqrt(e));
        assertThat(withEps).isCloseTo(closed, within(1e-9));
        // not finite input: the retry cannot help either, and says so by a NaN
        double[][] bad = {{Double.NaN, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        FrechetDistance.Result r = FrechetDistance.compute(mu1, bad, mu2, s2);
        assertThat(r.regularized()).isTrue();
        assertThat(r.distance()).isNaN();
    }

    private static double sq(double v) {
        return v * v;
    }

    @Test
    void fewerSamplesThanDimensionsIsAUserErrorWithBothNumbers() {
        FeatureStatistics a = stats(new double[][] {{1, 2, 3, 4}, {2, 3, 4, 5}, {0, 1, 0, 1}});
        assertThatThrownBy(() -> FrechetDistance.between(a, a))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("3 images")
                .hasMessageContaining("4 dimensions");
    }

    @Test
    void saveAndLoadRoundTripsExactlyWithTheKey() throws Exception {
        FeatureStatistics s = stats(new double[][] {{1, 2}, {3, 5}, {-1, 0.25}});
        Path f = tmp.resolve("s.stats");
        s.save(f, "key-1");
        FeatureStatistics.Stored back = FeatureStatistics.load(f);
        assertThat(back.key()).isEqualTo("key-1");
        assertThat(back.statistics().count()).isEqualTo(3);
        assertThat(back.statistics().mean()).containsExactly(s.mean());
        assertThat(back.statistics().covariance()).isDeepEqualTo(s.covariance());
        Files.write(f, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> FeatureStatistics.load(f)).isInstanceOf(IOException.class);
    }
}
