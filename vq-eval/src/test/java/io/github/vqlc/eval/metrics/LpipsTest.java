package io.github.vqlc.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.vqlc.core.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a TorchScript LPIPS-shaped network (tiny stand-in written by resources/lpips/make_tiny_lpips.py). */
class LpipsTest {

    @TempDir
    Path tmp;

    static Path tinyLpips() throws Exception {
        return Path.of(LpipsTest.class.getResource("/lpips/tiny-lpips.pt").toURI());
    }

    private static float[] floats(JsonArray a) {
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsFloat();
        }
        return v;
    }

    @Test
    void reproducesTheTorchScriptOutputsOfPyTorch() throws Exception {
        JsonObject f = JsonParser.parseString(Files.readString(Path.of(
                        LpipsTest.class.getResource("/lpips/tiny-lpips.json").toURI())))
                .getAsJsonObject();
        try (NDManager m = NDManager.newBaseManager();
                Lpips lpips = Lpips.load(tinyLpips(), Device.cpu(), "eval.lpips.path")) {
            Shape s = new Shape(3, 1, 16, 16);
            NDArray x = m.create(floats(f.getAsJsonArray("x")), s);
            NDArray y = m.create(floats(f.getAsJsonArray("y")), s);
            float[] d = lpips.perImage(x, y).toFloatArray();
            float[] expected = floats(f.getAsJsonArray("distance"));
            assertThat(d).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat((double) d[i]).isCloseTo(expected[i], within(1e-6));
            }
            assertThat(lpips.perImage(x, x).toFloatArray()).containsOnly(0f);
        }
    }

    @Test
    void aMissingOrBrokenFileIsAUserErrorNamingTheKey() throws Exception {
        assertThatThrownBy(() -> Lpips.load(tmp.resolve("nope.pt"), Device.cpu(), "eval.lpips.path"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("eval.lpips.path")
                .hasMessageContaining("nope.pt");
        Path junk = tmp.resolve("junk.pt");
        Files.writeString(junk, "not a model");
        assertThatThrownBy(() -> Lpips.load(junk, Device.cpu(), "eval.lpips.path"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("not a loadable TorchScript file");
    }
}
