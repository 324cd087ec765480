package io.github.vqlc.experiments.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.google.gson.JsonObject;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.NpyFiles;
import io.github.vqlc.core.io.SafetensorsFiles;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.models.gan.PatchDiscriminator;
import io.github.vqlc.models.train.Checkpoints;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerImportTest {

    @TempDir
    Path dir;

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private static List<String> args(List<String> quantizer, Path runDir) {
        List<String> all = new ArrayList<>(TinyTokenizers.MODEL);
        all.addAll(quantizer);
        all.add("run.dir=\"" + runDir + "\"");
        return all;
    }

    /** Imports a taming-named vq tokenizer with vqlc's symmetric padding (as the test runs were built). */
    private static Path importVq(Path file, Path runDir) {
        return TokenizerImport.run(
                new TokenizerImport.Request(
                        file,
                        WeightNaming.TAMING,
                        null,
                        args(List.of("quantizer.type=vq", "model.downsample-padding=symmetric"), runDir)),
                QUIET);
    }

    @Test
    void exportThenImportGivesBackEveryParameterBitForBit() throws Exception {
        List<String> quantizer = TinyTokenizers.lc("mlp");
        ExperimentConfig config = TinyTokenizers.config(dir.resolve("run"), quantizer);
        try (NDManager m = NDManager.newBaseManager()) {
            VqAutoencoder original = TinyTokenizers.writeRun(config, m);
            Path file = dir.resolve("out/tok.safetensors");
            TokenizerExport.run(
                    new TokenizerExport.Request(dir.resolve("run"), WeightNaming.VQLC, file, null, 0, false, List.of()),
                    QUIET);
            assertThat(Files.readString(file.resolveSibling("tok.safetensors.json")))
                    .contains(
                            "\"naming\": \"vqlc\"",
                            "\"ch_mult\": [",
                            "\"n_embed\": 64",
                            "\"downsample_padding\": \"symmetric\"");
            Path imported = TokenizerImport.run(
                    new TokenizerImport.Request(
                            file, WeightNaming.VQLC, null, args(quantizer, dir.resolve("imported"))),
                    QUIET);
            try (TrainedRun run = TrainedRun.open(imported, List.of())) {
                List<Parameter> a = original.getParameters().values();
                List<Parameter> b = run.model().getParameters().values();
                assertThat(b).hasSameSizeAs(a);
                for (int i = 0; i < a.size(); i++) {
                    assertThat(b.get(i).getArray().toFloatArray())
                            .as(a.get(i).getName())
                            .containsExactly(a.get(i).getArray().toFloatArray());
                }
            }
        }
    }

    @Test
    void anNpzStateDictImportsLikeTheSafetensorsFile() throws Exception {
        List<String> quantizer = List.of("quantizer.type=vq");
        ExperimentConfig config = TinyTokenizers.config(dir.resolve("run"), quantizer);
        try (NDManager m = NDManager.newBaseManager()) {
            VqAutoencoder original = TinyTokenizers.writeRun(config, m);
            Path safetensors = dir.resolve("tok.safetensors");
            TokenizerExport.run(
                    new TokenizerExport.Request(
                            dir.resolve("run"), WeightNaming.TAMING, safetensors, null, 0, false, List.of()),
                    QUIET);
            Path npz = dir.resolve("tok.npz");
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(npz))) {
                for (var e : SafetensorsFiles.inspect(safetensors).entrySet()) {
                    Path npy = dir.resolve("entry.npy");
                    NpyFiles.write(npy, e.getValue().read(m, "test"));
                    zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                    zip.write(Files.readAllBytes(npy));
                    zip.closeEntry();
                }
            }
            Path imported = importVq(npz, dir.resolve("imp"));
            try (TrainedRun run = TrainedRun.open(imported, List.of())) {
                NDArray before = original.getParameters()
                        .get("05decoder_01PaddedConv2d_weight")
                        .getArray();
                NDArray after = run.model()
                        .getParameters()
                        .get("05decoder_01PaddedConv2d_weight")
                        .getArray();
                assertThat(after.toFloatArray()).containsExactly(before.toFloatArray());
                assertThat(run.config().model().downsamplePadding().configName())
                        .isEqualTo("symmetric");
            }
        }
    }

    @Test
    void aMissingMisshapenOrUnplacedTensorIsOneLineAndNothingIsWritten() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            TinyTokenizers.writeRun(TinyTokenizers.config(dir.resolve("run"), List.of("quantizer.type=vq")), m);
            Path file = dir.resolve("tok.safetensors");
            TokenizerExport.run(
                    new TokenizerExport.Request(
                            dir.resolve("run"), WeightNaming.TAMING, file, null, 0, false, List.of()),
                    QUIET);
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            SafetensorsFiles.inspect(file).forEach((name, layout) -> tensors.put(name, layout.read(m, "test")));

            Map<String, NDArray> missing = new LinkedHashMap<>(tensors);
            missing.remove("decoder.mid.attn_1.v.bias");
            Map<String, NDArray> misshapen = new LinkedHashMap<>(tensors);
            misshapen.put("quantize.embedding.weight", m.zeros(new Shape(32, 4)));
            Map<String, NDArray> unplaced = new LinkedHashMap<>(tensors);
            unplaced.put("encoder.down.0.attn.0.q.weight", m.zeros(new Shape(32, 32, 1, 1)));
            unplaced.put("loss.discriminator.main.0.weight", m.zeros(new Shape(64, 1, 4, 4)));
            String[][] cases = {
                {"missing", "has no tensor decoder.mid.attn_1.v.bias (expected shape (64,))"},
                {"misshapen", "tensor quantize.embedding.weight in "},
                {"unplaced", "tensor encoder.down.0.attn.0.q.weight in "}
            };
            List<Map<String, NDArray>> files = List.of(missing, misshapen, unplaced);
            for (int i = 0; i < cases.length; i++) {
                Path bad = dir.resolve(cases[i][0] + ".safetensors");
                SafetensorsFiles.write(bad, files.get(i));
                Path target = dir.resolve("imported-" + cases[i][0]);
                assertThatThrownBy(() -> TokenizerImport.run(
                                new TokenizerImport.Request(
                                        bad,
                                        WeightNaming.TAMING,
                                        null,
                                        args(
                                                List.of("quantizer.type=vq", "model.downsample-padding=symmetric"),
                                                target)),
                                QUIET))
                        .isInstanceOf(UserException.class)
                        .hasMessageContaining(cases[i][1])
                        .hasMessageNotContaining("\n");
                assertThat(target).doesNotExist();
            }
            assertThatThrownBy(() -> TokenizerImport.run(
                            new TokenizerImport.Request(
                                    file,
                                    WeightNaming.TAMING,
                                    null,
                                    args(List.of("quantizer.type=vq"), dir.resolve("run"))),
                            QUIET))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("exists");
        }
    }

    @Test
    void theCommandsPrintWhatTheyWrote() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            TinyTokenizers.writeRun(TinyTokenizers.config(dir.resolve("run"), List.of("quantizer.type=vq")), m);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TokenizerExport.run(
                new TokenizerExport.Request(
                        dir.resolve("run"),
                        WeightNaming.TAMING,
                        dir.resolve("t.safetensors"),
                        dir.resolve("ref"),
                        4,
                        false,
                        List.of()),
                new PrintStream(out, true));
        assertThat(out.toString()).contains("155 tensors (taming naming)", "reference outputs of 4 test images");
        assertThat(NpyFiles.inspect(dir.resolve("ref/indices.npy")).shape()).isEqualTo(new Shape(4, 8, 8));
    }

    @Test
    void theDiscriminatorGoesOutUnderTamingsSequenceIndices() throws Exception {
        ExperimentConfig config = TinyTokenizers.config(dir.resolve("run"), List.of("quantizer.type=vq"));
        try (NDManager m = NDManager.newBaseManager()) {
            VqAutoencoder model = TinyTokenizers.writeRun(config, m);
            Path file = dir.resolve("t.safetensors");
            assertThatThrownBy(() -> TokenizerExport.run(
                            new TokenizerExport.Request(
                                    dir.resolve("run"), WeightNaming.TAMING, file, null, 0, true, List.of()),
                            QUIET))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("has no discriminator");
            var d = new PatchDiscriminator(config.discriminator());
            d.initialize(m, DataType.FLOAT32, new Shape(1, 1, 16, 16));
            new Checkpoints(dir.resolve("run/checkpoints"), 2)
                    .save(
                            4,
                            List.of(
                                    new Checkpoints.Part("model", model, null),
                                    new Checkpoints.Part("discriminator", d, null)),
                            Map.of(),
                            new JsonObject());
            TokenizerExport.run(
                    new TokenizerExport.Request(
                            dir.resolve("run"), WeightNaming.TAMING, file, null, 0, true, List.of()),
                    QUIET);
            var tensors = SafetensorsFiles.inspect(file);
            assertThat(tensors.get("loss.discriminator.main.0.weight").shape()).isEqualTo(new Shape(64, 1, 4, 4));
            assertThat(tensors.get("loss.discriminator.main.2.weight").shape()).isEqualTo(new Shape(128, 64, 4, 4));
            assertThat(tensors.get("loss.discriminator.main.3.running_var").shape())
                    .isEqualTo(new Shape(128));
            assertThat(tensors.get("loss.discriminator.main.6.weight").shape()).isEqualTo(new Shape(256));
            assertThat(tensors.get("loss.discriminator.main.8.weight").shape()).isEqualTo(new Shape(1, 256, 4, 4));
            assertThat(tensors)
                    .containsKey("loss.discriminator.main.8.bias")
                    .doesNotContainKey("loss.discriminator.main.2.bias");
            // and import skips it
            Path imported = importVq(file, dir.resolve("imp"));
            assertThat(imported.resolve("config.conf")).exists();
        }
    }
}
