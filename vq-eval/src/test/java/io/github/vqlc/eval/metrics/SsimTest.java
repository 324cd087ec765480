package io.github.vqlc.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SSIM against scikit-image's values (fixture written by resources/ssim/make_fixture.py). */
class SsimTest {

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private NDArray image(JsonArray values, Shape chw, int copies) {
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i).getAsFloat();
        }
        NDArray one = manager.create(v, new Shape(1, chw.get(0), chw.get(1), chw.get(2)));
        return one.repeat(0, copies);
    }

    @Test
    void matchesScikitImageOnTheFixture() throws Exception {
        JsonArray cases;
        try (Reader r = new InputStreamReader(
                SsimTest.class.getResourceAsStream("/ssim/ssim_fixture.json"), StandardCharsets.UTF_8)) {
            cases = JsonParser.parseReader(r).getAsJsonObject().getAsJsonArray("cases");
        }
        assertThat(cases.size()).isEqualTo(4);
        for (JsonElement e : cases) {
            JsonObject c = e.getAsJsonObject();
            JsonArray dims = c.getAsJsonArray("shape");
            Shape chw = new Shape(
                    dims.get(0).getAsLong(),
                    dims.get(1).getAsLong(),
                    dims.get(2).getAsLong());
            try (Ssim ssim = new Ssim(manager, (int) chw.get(0))) {
                NDArray a = image(c.getAsJsonArray("a"), chw, 2);
                NDArray b = image(c.getAsJsonArray("b"), chw, 2);
                double[] values = ssim.perImage(a, b).toDoubleArray();
                double expected = c.get("ssim").getAsDouble();
                assertThat(values).hasSize(2);
                assertThat(values[0]).as("shape " + chw).isCloseTo(expected, within(1e-6));
                assertThat(values[1]).isEqualTo(values[0]);
                // identical images: exactly 1
                assertThat(ssim.perImage(a, a).toDoubleArray()[0]).isCloseTo(1.0, within(1e-12));
            }
        }
    }

    @Test
    void theCachedFilterSurvivesPerBatchScopes() {
        try (Ssim ssim = new Ssim(manager, 1)) {
            NDArray a = manager.randomUniform(0, 1, new Shape(2, 1, 16, 16));
            NDArray b = manager.randomUniform(0, 1, new Shape(2, 1, 16, 16));
            double first;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                first = ssim.perImage(a, b).toDoubleArray()[0];
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                assertThat(ssim.perImage(a, b).toDoubleArray()[0]).isEqualTo(first);
            }
        }
    }

    @Test
    void windowIsANormalizedSymmetricGaussian() {
        double[] g = Ssim.gaussian();
        assertThat(g).hasSize(11);
        assertThat(Arrays.stream(g).sum()).isCloseTo(1.0, within(1e-15));
        assertThat(g[0]).isEqualTo(g[10]);
        assertThat(g[5] / g[4]).isCloseTo(Math.exp(1 / (2 * 2.25)), within(1e-12));
    }
}
