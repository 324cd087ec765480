package io.github.vqlc.quantizers.lc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.engine.TorchOps;
import io.github.vqlc.core.io.CodebookFiles;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.core.testing.QuantizerContractTest;
import io.github.vqlc.quantizers.lc.LargeCodebookQuantizer.Init;
import io.github.vqlc.quantizers.lc.LargeCodebookQuantizer.Projector;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LargeCodebookQuantizerTest extends QuantizerContractTest {

    @TempDir
    Path dir;

    @Override
    protected Quantizer create(int k, int d) {
        return LargeCodebookQuantizer.builder()
                .setCodebookSize(k)
                .setEmbeddingDim(d)
                .optRandomCodebook(Init.NORMAL, 6)
                .build();
    }

    /** A fixture written by NumPy (make_fixtures.py beside it). */
    private static Path fixture(String name) {
        try {
            return Path.of(LargeCodebookQuantizerTest.class
                    .getResource("/codebooks/" + name)
                    .toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The section a run would hand the factory: user keys over quantizer-types.lc over common defaults. */
    private static Config section(String user) {
        Config reference = ConfigFactory.defaultReference();
        return ConfigFactory.parseString(user)
                .withFallback(reference.getConfig("quantizer"))
                .withFallback(reference.getConfig("quantizer-types.lc"))
                .resolve();
    }

    private LargeCodebookQuantizer fromConfig(String user, int d, Path baseDir) {
        LargeCodebookQuantizer q = (LargeCodebookQuantizer)
                new LargeCodebookQuantizerFactory().create(section(user), new QuantizerContext(d, 0, baseDir));
        q.initialize(manager, DataType.FLOAT32, new Shape(1, d, 2, 2));
        return q;
    }

    private static String quoted(Path p) {
        return ConfigValueFactory.fromAnyRef(p.toString()).render();
    }

    @Test
    void numpyCodebookWithoutProjectorChoosesAndLossesByHand() {
        // codebook {(0,0), (1,0), (0,2)} from a float64 Fortran-order .npy written by NumPy
        LargeCodebookQuantizer q = fromConfig(
                "codebook-size = 3, projector = none, codebook { init = file, path = "
                        + quoted(fixture("k3_d2_float64_fortran.npy")) + " }",
                2,
                dir);
        assertThat(q.codebook().getArray().toFloatArray()).containsExactly(0, 0, 1, 0, 0, 2);
        assertThat(q.codeDim()).isEqualTo(2);
        assertThat(q.frozen()).isTrue();
        // vectors (0.9,0.1), (0.1,1.8), (-0.2,-0.1) as (B=1, D=2, H=1, W=3)
        NDArray z = manager.create(new float[] {0.9f, 0.1f, -0.2f, 0.1f, 1.8f, -0.1f}, new Shape(1, 2, 1, 3));
        QuantizerOutput out = q.quantize(ps, z, false);
        assertThat(out.indices().toLongArray()).containsExactly(1, 2, 0);
        assertThat(out.quantized().toFloatArray()).containsExactly(1, 0, 0, 0, 2, 0);
        // squared errors (0.01+0.01) + (0.01+0.04) + (0.04+0.01) = 0.12 over 6 elements
        assertThat(out.losses().get("commitment").getFloat()).isCloseTo(0.02f, within(1e-6f));
        assertThat(out.losses().get("codebook").getFloat()).isCloseTo(0.33f * 0.02f, within(1e-6f));
    }

    @Test
    void linearProjectorMapsTheCodebookAndTheSearchUsesTheProjection() {
        LargeCodebookQuantizer q = fromConfig(
                "codebook-size = 4, projector = linear, codebook { init = file, path = " + "k4_d3_float32.npy }",
                2,
                fixture("k4_d3_float32.npy").getParent()); // relative to baseDir
        // codebook rows (0, .25, .5), (.75, 1, 1.25), (1.5, 1.75, 2), (2.25, 2.5, 2.75); P(c) = (c0 + c1, -c2)
        Parameter w = q.projector().getParameters().get("weight");
        w.getArray().set(new float[] {1, 1, 0, 0, 0, -1});
        q.projector().getParameters().get("bias").getArray().set(new float[] {0, 0});
        // projected: (0.25, -0.5), (1.75, -1.25), (3.25, -2), (4.75, -2.75)
        NDArray z = manager.create(new float[] {0.3f, 3f, 5f, -0.4f, -2.1f, -2.7f}, new Shape(1, 2, 1, 3));
        QuantizerOutput out = q.quantize(ps, z, false);
        assertThat(out.indices().toLongArray()).containsExactly(0, 2, 3);
        assertThat(out.quantized().toFloatArray()).containsExactly(0.25f, 3.25f, 4.75f, -0.5f, -2f, -2.75f);
        assertThat(q.lookup(ps, out.indices()).toFloatArray())
                .containsExactly(out.quantized().toFloatArray());
    }

    @Test
    void frozenCodebookStaysBitIdenticalWhileTheProjectorLearns() {
        for (String projector : new String[] {"linear", "mlp"}) {
            LargeCodebookQuantizer q = fromConfig(
                    "codebook-size = 32, projector = " + projector
                            + ", projector-hidden = 16, codebook { init = random, dim = 6, frozen = true }",
                    D,
                    dir);
            q.freezeParameters(false); // even an explicit unfreeze must not touch the frozen codebook
            assertThat(q.codebook().requiresGradient()).isFalse();
            float[] codebookBefore = q.codebook().getArray().toFloatArray();
            Parameter first = q.projector().getParameters().values().get(0);
            float[] projectorBefore = first.getArray().toFloatArray();
            train(q, 3);
            assertThat(q.codebook().getArray().toFloatArray()).as(projector).containsExactly(codebookBefore);
            assertThat(first.getArray().toFloatArray()).as(projector).isNotEqualTo(projectorBefore);
        }
    }

    @Test
    void frozenCodebookGetsNoGradientEvenWhenAnEnclosingBlockUnfreezesIt() {
        LargeCodebookQuantizer q = fromConfig("codebook-size = 32, codebook { dim = 6 }", D, dir);
        q.codebook().freeze(false); // what model.freezeParameters(false) does to every parameter below it
        float[] before = q.codebook().getArray().toFloatArray();
        train(q, 2);
        assertThat(q.codebook().getArray().getGradient().abs().sum().getFloat()).isZero();
        assertThat(q.codebook().getArray().toFloatArray()).containsExactly(before);
    }

    @Test
    void trainableCodebookLearns() {
        LargeCodebookQuantizer q =
                fromConfig("codebook-size = 32, codebook { init = uniform, dim = 6, frozen = false }", D, dir);
        assertThat(q.codebook().requiresGradient()).isTrue();
        float[] before = q.codebook().getArray().toFloatArray();
        train(q, 2);
        assertThat(q.codebook().getArray().toFloatArray()).isNotEqualTo(before);
    }

    @Test
    void theProjectorLearnsFromTheCodebookTermOnlyAndTheEncoderFromTheCommitmentTerm() {
        LargeCodebookQuantizer q = fromConfig("codebook-size = 16, codebook.dim = 6", D, dir);
        Parameter w = q.projector().getParameters().get("weight");
        w.getArray().setRequiresGradient(true);
        NDArray z = latents(2, 2, D, 3, 3);
        z.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(q.quantize(ps, z, true).losses().get("commitment"));
        }
        assertThat(w.getArray().getGradient().abs().sum().getFloat()).isZero();
        assertThat(z.getGradient().abs().sum().getFloat()).isGreaterThan(0f);
        TorchOps.zeroGradient(z);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(q.quantize(ps, z, true).losses().get("codebook"));
        }
        assertThat(w.getArray().getGradient().abs().sum().getFloat()).isGreaterThan(0f);
        assertThat(z.getGradient().abs().sum().getFloat()).isZero();
    }

    @Test
    void everyAblationRowIsExpressibleInConfig() throws IOException {
        // the paper's Tables 6, 10, 11: init x frozen x projector, D = model.embed-dim, any K
        Path file = dir.resolve("features.npy");
        CodebookFiles.writeNpy(file, manager.randomNormal(new Shape(20, 3)));
        List<String> seen = new ArrayList<>();
        for (String init : new String[] {"random", "uniform", "file"}) {
            for (boolean frozen : new boolean[] {true, false}) {
                for (String projector : new String[] {"none", "linear", "mlp"}) {
                    String source = init.equals("file")
                            ? "init = file, path = " + quoted(file)
                            : "init = " + init + ", dim = 3";
                    LargeCodebookQuantizer q = fromConfig(
                            "codebook-size = 20, projector = " + projector + ", codebook { " + source + ", frozen = "
                                    + frozen + " }",
                            3,
                            dir);
                    assertThat(q.codebookSize()).isEqualTo(20);
                    assertThat(q.codebook().requiresGradient()).isEqualTo(!frozen);
                    assertThat(q.projector() == null).isEqualTo(projector.equals("none"));
                    assertThat(q.projectorType()).isEqualTo(Projector.of(projector));
                    assertThat(q.init())
                            .isEqualTo(
                                    init.equals("file")
                                            ? Init.FILE
                                            : init.equals("random") ? Init.NORMAL : Init.UNIFORM);
                    QuantizerOutput out = q.quantize(ps, latents(1, 2, 3, 2, 2), true);
                    assertThat(out.quantized().getShape()).isEqualTo(new Shape(2, 3, 2, 2));
                    seen.add(init + "/" + frozen + "/" + projector);
                }
            }
        }
        assertThat(seen).hasSize(18).doesNotHaveDuplicates();
    }

    @Test
    void readsSafetensorsCodebooks() throws IOException {
        Path file = dir.resolve("cb.safetensors");
        NDArray cb = manager.create(new float[] {0, 0, 1, 0, 0, 2}, new Shape(3, 2));
        cb.setName("codebook");
        NDArray other = manager.create(new float[] {7}, new Shape(1, 1));
        other.setName("step");
        try (OutputStream out = Files.newOutputStream(file)) {
            new NDList(other, cb).encode(out, NDList.Encoding.SAFETENSORS);
        }
        LargeCodebookQuantizer q = fromConfig(
                "codebook-size = 3, projector = none, codebook { init = file, path = " + quoted(file) + " }", 2, dir);
        assertThat(q.codebook().getArray().toFloatArray()).containsExactly(0, 0, 1, 0, 0, 2);
    }

    @Test
    void badCodebookFilesFailWithOneMessageNamingFileAndShapes() throws IOException {
        Path k4 = fixture("k4_d3_float32.npy");
        assertThatThrownBy(() ->
                        fromConfig("codebook-size = 3, codebook { init = file, path = " + quoted(k4) + " }", 4, dir))
                .isInstanceOf(UserException.class)
                .hasMessageContaining(k4.toString())
                .hasMessageContaining("(4, 3)")
                .hasMessageContaining("quantizer.codebook-size = 3");

        Path cube = dir.resolve("cube.npy");
        writeNpyHeader(cube, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2, 2), }", 48);
        assertThatThrownBy(() ->
                        fromConfig("codebook-size = 3, codebook { init = file, path = " + quoted(cube) + " }", 4, dir))
                .isInstanceOf(UserException.class)
                .hasMessageContaining(cube.toString())
                .hasMessageContaining("(3, 2, 2)")
                .hasMessageContaining("2-D");

        Path nan = dir.resolve("nan.npy");
        CodebookFiles.writeNpy(nan, manager.create(new float[] {0, 1, 2, 3, Float.NaN, 5}, new Shape(3, 2)));
        assertThatThrownBy(() ->
                        fromConfig("codebook-size = 3, codebook { init = file, path = " + quoted(nan) + " }", 4, dir))
                .isInstanceOf(UserException.class)
                .hasMessageContaining(nan.toString())
                .hasMessageContaining("(3, 2)")
                .hasMessageContaining("NaN")
                .hasMessageContaining("row 2, column 0");

        Path missing = dir.resolve("missing.npy");
        assertThatThrownBy(() -> fromConfig(
                        "codebook-size = 3, codebook { init = file, path = " + quoted(missing) + " }", 4, dir))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("not found")
                .hasMessageContaining(missing.toString());
    }

    @Test
    void inconsistentOptionsAreUserErrorsNamingTheKeys() {
        assertThatThrownBy(() -> fromConfig("codebook { init = file }", 4, dir))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("quantizer.codebook.path");
        assertThatThrownBy(() -> fromConfig("codebook { init = random, path = x.npy }", 4, dir))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("quantizer.codebook.init = random")
                .hasMessageContaining("x.npy");
        assertThatThrownBy(() -> fromConfig("projector = none, codebook.dim = 64", 8, dir))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("Dc = 64")
                .hasMessageContaining("model.embed-dim = 8");
        assertThatThrownBy(() -> fromConfig("projector = conv", 8, dir))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("quantizer.projector")
                .hasMessageContaining("none, linear, mlp");
    }

    @Test
    void factoryDefaultsAreThePaperSettingsWithARandomCodebook() {
        assertThat(QuantizerFactory.discover().contains("lc")).isTrue();
        LargeCodebookQuantizer q = fromConfig("", 8, dir);
        assertThat(q.init()).isEqualTo(Init.NORMAL);
        assertThat(q.codeDim()).isEqualTo(64);
        assertThat(q.frozen()).isTrue();
        assertThat(q.projectorType()).isEqualTo(Projector.LINEAR);
        assertThat(q.codebookSize()).isEqualTo(1024);
        QuantizerOutput out = q.quantize(ps, latents(4, 1, 8, 2, 2), false);
        assertThat(out.losses().get("codebook").getFloat())
                .isCloseTo(0.33f * out.losses().get("commitment").getFloat(), within(1e-6f));
    }

    @Test
    void aHundredThousandCodeTrainingStepRuns() {
        LargeCodebookQuantizer q = LargeCodebookQuantizer.builder()
                .setCodebookSize(100_000)
                .setEmbeddingDim(8)
                .optRandomCodebook(Init.NORMAL, 64)
                .build();
        q.initialize(manager, DataType.FLOAT32, new Shape(2, 8, 4, 4));
        float[] before = q.codebook().getArray().get("0:2").toFloatArray();
        train(q, 1);
        assertThat(q.codebook().getArray().get("0:2").toFloatArray()).containsExactly(before);
    }

    /** Manual gradient steps on every parameter that requires a gradient (w -= 0.05 * grad). */
    private void train(Quantizer q, int steps) {
        for (Parameter p : q.getParameters().values()) {
            if (p.requiresGradient()) {
                p.getArray().setRequiresGradient(true);
            }
        }
        for (int step = 0; step < steps; step++) {
            NDArray z = latents(100 + step, 2, q.embeddingDim(), 4, 4);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                QuantizerOutput out = q.quantize(ps, z, true);
                gc.backward(out.loss().add(out.quantized().square().mean()));
            }
            for (Parameter p : q.getParameters().values()) {
                if (p.requiresGradient()) {
                    NDArray w = p.getArray();
                    w.subi(w.getGradient().mul(0.05f));
                    TorchOps.zeroGradient(w);
                }
            }
        }
    }

    private static void writeNpyHeader(Path f, String dict, int dataBytes) throws IOException {
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        try (OutputStream out = Files.newOutputStream(f)) {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            out.write(new byte[] {(byte) header.length(), 0});
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[dataBytes]);
        }
    }
}
