package io.github.vqlc.models.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TorchScript LPIPS path, on the tiny module made by src/test/resources/lpips/make_tiny_lpips.py. */
class TorchScriptLpipsTest {

    static final Path DIR = Path.of("src/test/resources/lpips");

    @TempDir
    Path tmp;

    @Test
    void matchesTheDistancesPyTorchRecordedAndPassesGradientsToItsInputOnly() throws Exception {
        List<Double> expected = new ArrayList<>();
        for (String line : Files.readAllLines(DIR.resolve("tiny-lpips-expected.txt"))) {
            expected.add(Double.parseDouble(line.trim()));
        }
        try (TorchScriptLpips lpips = TorchScriptLpips.load(
                        DIR.resolve("tiny-lpips.pt"), Device.cpu(), "loss.perceptual.path", "leave it empty");
                NDManager m = NDManager.newBaseManager()) {
            // the script's inputs: linspace(-1, 1) and cos(arange) over (2, 3, 8, 8)
            int n = 2 * 3 * 8 * 8;
            float[] xs = new float[n];
            float[] ys = new float[n];
            for (int i = 0; i < n; i++) {
                xs[i] = (float) (-1 + 2.0 * i / (n - 1));
                ys[i] = (float) Math.cos(i);
            }
            NDArray x = m.create(xs, new Shape(2, 3, 8, 8));
            NDArray y = m.create(ys, new Shape(2, 3, 8, 8));
            ParameterStore ps = new ParameterStore(m, false);
            List<float[]> before = new ArrayList<>();
            for (Parameter p : lpips.block().getParameters().values()) {
                before.add(p.getArray().toFloatArray());
                assertThat(p.requiresGradient()).as("frozen " + p.getName()).isFalse();
            }
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray d = lpips.distance(ps, x, y);
                assertThat((double) d.getFloat()).isCloseTo((expected.get(0) + expected.get(1)) / 2, offset(1e-5));
                gc.backward(d);
            }
            float[] g = x.getGradient().toFloatArray();
            double norm = 0;
            for (float v : g) {
                norm += v * v;
            }
            assertThat(norm)
                    .as("the frozen network passes gradient to its input")
                    .isGreaterThan(0);
            int i = 0;
            for (Parameter p : lpips.block().getParameters().values()) {
                assertThat(p.getArray().toFloatArray()).containsExactly(before.get(i++));
            }
            // grey images are repeated to three channels
            NDArray grey = m.zeros(new Shape(2, 1, 8, 8));
            assertThat(lpips.distance(ps, grey, grey).getFloat()).isCloseTo(0f, offset(1e-6f));
            // the evaluation metric: the same distances per image, without gradient
            float[] perImage = lpips.perImage(x.stopGradient(), y).toFloatArray();
            assertThat((double) perImage[0]).isCloseTo(expected.get(0), offset(1e-5));
            assertThat((double) perImage[1]).isCloseTo(expected.get(1), offset(1e-5));
            assertThat(lpips.perImage(y, y).toFloatArray()).containsOnly(0f);
        }
    }

    @Test
    void aMissingOrBrokenFileIsAOneLineUserErrorNamingTheKey() throws Exception {
        assertThatThrownBy(() -> TorchScriptLpips.load(
                        Path.of("no/such/lpips.pt"), Device.cpu(), "eval.lpips.path", "leave it empty"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("no/such/lpips.pt")
                .hasMessageContaining("eval.lpips.path")
                .hasMessageNotContaining("\n");
        Path junk = Files.writeString(tmp.resolve("junk.pt"), "not a TorchScript archive");
        assertThatThrownBy(() -> TorchScriptLpips.load(junk, Device.cpu(), "loss.perceptual.path", "leave it empty"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("loss.perceptual.path")
                .hasMessageContaining("not a loadable TorchScript file");
    }
}
