package io.github.vqlc.models.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.ConfigFactory;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.AtomicFiles;
import io.github.vqlc.core.io.LatentsFile;
import io.github.vqlc.core.io.NpyArrayWriter;
import io.github.vqlc.models.train.Checkpoints;
import io.github.vqlc.models.train.TrainingObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiffusionTrainerTest {

    @TempDir
    Path tmp;

    /**
     * 64 latent maps (2 channels, 4x4) of 4 classes: class c's maps are constant c - 1.5 on channel
     * 0 and -(c - 1.5) on channel 1, plus a little per-image offset; {@code poison} puts a NaN in map 0.
     */
    static Path classLatents(Path file, boolean poison) {
        int n = 64;
        float[] values = new float[n * 2 * 16];
        long[] labels = new long[n];
        double[] sum = new double[2];
        double[] sumSq = new double[2];
        for (int i = 0; i < n; i++) {
            int c = i % 4;
            labels[i] = c;
            for (int ch = 0; ch < 2; ch++) {
                for (int p = 0; p < 16; p++) {
                    float v = (float) ((ch == 0 ? 1 : -1) * (c - 1.5) + 0.01 * (i % 7));
                    values[(i * 2 + ch) * 16 + p] = v;
                    sum[ch] += v;
                    sumSq[ch] += v * v;
                }
            }
        }
        if (poison) {
            values[0] = Float.NaN;
        }
        try (NpyArrayWriter w = NpyArrayWriter.create(file, DataType.FLOAT32, n, 2, 4, 4);
                NpyArrayWriter l = NpyArrayWriter.create(LatentsFile.labelsBeside(file), DataType.INT64, n)) {
            w.append(values);
            l.append(labels);
            JsonObject o = new JsonObject();
            o.addProperty("format", LatentsFile.FORMAT);
            o.addProperty("version", LatentsFile.VERSION);
            o.addProperty("count", n);
            o.addProperty("channels", 2);
            o.addProperty("height", 4);
            o.addProperty("width", 4);
            o.addProperty("classes", 4);
            JsonArray mean = new JsonArray();
            JsonArray std = new JsonArray();
            for (int ch = 0; ch < 2; ch++) {
                double m = sum[ch] / (n * 16);
                mean.add(m);
                std.add(Math.sqrt(sumSq[ch] / (n * 16) - m * m));
            }
            o.add("mean", mean);
            o.add("std", std);
            AtomicFiles.writeString(LatentsFile.infoBeside(file), o + "\n");
            l.commit();
            w.commit();
        }
        return file;
    }

    static DiffusionConfig config(Path latents, String... overrides) {
        String base = "diffusion { latents = \"" + latents + "\", patch = 2, width = 32, depth = 2, heads = 4,"
                + " steps = 60, batch-size = 16, lr = 2e-3, warmup-steps = 5, ema-decay = 0.9, log-every = 10,"
                + " checkpoint-every = 30 }";
        var c = ConfigFactory.parseString(String.join("\n", overrides))
                .withFallback(ConfigFactory.parseString(base))
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
        return DiffusionConfig.from(c.getConfig("diffusion"));
    }

    /** Trains (crashing after step {@code crashAfter} when > 0) and returns the final weights and EMA weights. */
    private static List<float[]> train(Path latents, Path runDir, boolean resume, DiffusionConfig c, int crashAfter) {
        LatentsFile file = LatentsFile.open(latents);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(0);
            DiffusionTransformer model = new DiffusionTransformer(c.spec(2, 4, 4));
            model.initialize(m, DataType.FLOAT32, new Shape(1, 2, 4, 4), new Shape(1), new Shape(1));
            DiffusionTrainer trainer = new DiffusionTrainer(
                    model, m, c, new LatentBatches(file, c.batchSize(), 0, c.normalize()), runDir, 0);
            if (crashAfter > 0) {
                trainer.observer(new TrainingObserver() {
                    @Override
                    public void stepped(int step, double ips, Map<String, Double> latest) {
                        if (step == crashAfter) {
                            throw new IllegalStateException("simulated crash");
                        }
                    }
                });
            }
            trainer.run(resume);
            List<float[]> out = new ArrayList<>();
            for (Parameter p : model.getParameters().values()) {
                out.add(p.getArray().toFloatArray());
            }
            var newest = trainer.checkpoints().newest().orElseThrow();
            NDList ema = Checkpoints.readArrays(newest, DiffusionTrainer.EMA, m).orElseThrow();
            for (NDArray a : ema) {
                out.add(a.toFloatArray());
            }
            return out;
        }
    }

    private static List<Double> losses(Path runDir) throws Exception {
        List<Double> out = new ArrayList<>();
        for (String l : Files.readAllLines(runDir.resolve("log.jsonl"))) {
            out.add(JsonParser.parseString(l).getAsJsonObject().get("loss").getAsDouble());
        }
        return out;
    }

    @Test
    void theVelocityLossFallsOnClassStructuredLatents() throws Exception {
        Path latents = classLatents(tmp.resolve("latents-train.npy"), false);
        Path run = tmp.resolve("run");
        train(latents, run, false, config(latents), 0);
        List<Double> l = losses(run);
        assertThat(l).hasSize(6);
        // at initialization the model predicts 0: loss = E|e - x0|^2 = 1 + 1 (standardized data)
        assertThat(l.get(0)).isGreaterThan(1.0);
        assertThat(l.get(l.size() - 1)).isLessThan(0.75 * l.get(0));
        assertThat(run.resolve("checkpoints/step-000060/ema.ndlist")).isRegularFile();
    }

    @Test
    void resumeAfterACrashEndsWhereAnUninterruptedRunEndsWithTheSameEma() {
        Path latents = classLatents(tmp.resolve("latents-train.npy"), false);
        DiffusionConfig c = config(latents, "diffusion.steps = 12", "diffusion.checkpoint-every = 5");
        List<float[]> straight = train(latents, tmp.resolve("straight"), false, c, 0);
        assertThatThrownBy(() -> train(latents, tmp.resolve("crashed"), false, c, 8))
                .hasMessageContaining("simulated crash");
        List<float[]> resumed = train(latents, tmp.resolve("crashed"), true, c, 0);
        assertThat(resumed).hasSameSizeAs(straight);
        for (int i = 0; i < straight.size(); i++) {
            // the same batches, times, noise and dropped classes: the same weights (up to reduction order)
            assertThat(resumed.get(i)).as("array " + i).containsExactly(straight.get(i), Offset.offset(1e-5f));
        }
    }

    @Test
    void classDropoutReplacesTheRequestedShareByTheNoClassRow() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(2);
            NDArray y = m.arange(0, 20_000, 1, DataType.INT64).mod(10L);
            assertThat(DiffusionTrainer.dropped(y, 0, 10).toLongArray()).isEqualTo(y.toLongArray());
            assertThat(DiffusionTrainer.dropped(y, 0.5, 0).toLongArray()).isEqualTo(y.toLongArray());
            long[] d = DiffusionTrainer.dropped(y, 0.1, 10).toLongArray();
            long[] original = y.toLongArray();
            int dropped = 0;
            for (int i = 0; i < d.length; i++) {
                if (d[i] == 10) {
                    dropped++;
                } else {
                    assertThat(d[i]).isEqualTo(original[i]);
                }
            }
            assertThat(dropped / 20_000.0).isCloseTo(0.1, Offset.offset(0.01));
        }
    }

    @Test
    void aNonFiniteLossStopsTheRunBeforeAnythingIsSaved() {
        Path latents = classLatents(tmp.resolve("latents-train.npy"), true);
        Path run = tmp.resolve("nan");
        DiffusionConfig c = config(
                latents,
                "diffusion.normalize = false",
                "diffusion.steps = 8",
                "diffusion.log-every = 1",
                "diffusion.batch-size = 64");
        assertThatThrownBy(() -> train(latents, run, false, c, 0))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("diffusion loss became NaN at step 1")
                .hasMessageContaining("last good checkpoint: none");
        assertThat(run.resolve("checkpoints")).doesNotExist();
    }

    @Test
    void batchesAreStandardizedWithTheFilesStatisticsAndCoverAnEpoch() {
        Path latents = classLatents(tmp.resolve("latents-train.npy"), false);
        LatentsFile file = LatentsFile.open(latents);
        LatentBatches raw = new LatentBatches(file, 16, 3, false);
        LatentBatches standardized = new LatentBatches(file, 16, 3, true);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] mean = file.mean();
            float[] std = file.std();
            long[] seen = new long[4];
            for (int b = 0; b < 4; b++) {
                LatentBatches.Batch r = raw.next(m);
                LatentBatches.Batch s = standardized.next(m);
                assertThat(s.classes().toLongArray()).isEqualTo(r.classes().toLongArray());
                float[] rv = r.latents().toFloatArray();
                float[] sv = s.latents().toFloatArray();
                for (int i = 0; i < rv.length; i++) {
                    int ch = (i / 16) % 2;
                    assertThat(sv[i]).isCloseTo((rv[i] - mean[ch]) / std[ch], Offset.offset(1e-5f));
                }
                for (long c : r.classes().toLongArray()) {
                    seen[(int) c]++;
                }
            }
            // one epoch of 64 maps: every map once, so 16 of each class
            assertThat(seen).containsExactly(16, 16, 16, 16);
        }
        assertThatThrownBy(() -> new LatentBatches(file, 65, 0, true))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("holds 64 images, fewer than diffusion.batch-size = 65");
    }
}
