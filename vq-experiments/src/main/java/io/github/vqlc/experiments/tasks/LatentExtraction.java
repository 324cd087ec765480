package io.github.vqlc.experiments.tasks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.vqlc.core.data.BatchLoader;
import io.github.vqlc.core.data.Datasets;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.data.Split;
import io.github.vqlc.core.io.AtomicFiles;
import io.github.vqlc.core.io.LatentsFile;
import io.github.vqlc.core.io.NpyArrayWriter;
import io.github.vqlc.experiments.progress.SplitProgress;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code vqlc latents}: a split's continuous latents, the encoder's output after its 1x1
 * convolution and before quantization (what the VQGAN-LC authors' diffusion models learn), with
 * per-channel statistics ({@link LatentsFile} has the format). Streamed batch by batch; the files
 * appear complete or not at all.
 */
public final class LatentExtraction {

    private LatentExtraction() {}

    /** {@code <run-dir>/latents-<split>.npy}. */
    public static Path defaultOutput(Path runDir, Split split) {
        return runDir.resolve("latents-" + split.name().toLowerCase(Locale.ROOT) + ".npy");
    }

    /** Writes the latents of {@code split} (its first {@code limit} images when limit > 0) to {@code out}. */
    public static LatentsFile run(TrainedRun tokenizer, Split split, int limit, Path out, PrintStream log) {
        var config = tokenizer.config();
        ImageDataset data = Datasets.open(config.data(), split, config.run().seed());
        if (limit > 0) {
            data = Datasets.limit(data, Math.min(limit, data.size()));
        }
        VqAutoencoder model = tokenizer.model();
        int d = model.quantizer().embeddingDim();
        int side = model.gridSide();
        int n = data.size();
        log.println("latents of " + data.describe() + " with "
                + tokenizer.checkpoint().dir() + " -> " + out);
        ParameterStore ps = new ParameterStore(tokenizer.manager(), false);
        double[] sum = new double[d];
        double[] sumSq = new double[d];
        long[] labels = new long[n];
        int batchSize = config.eval().batchSize();
        SplitProgress progress =
                new SplitProgress("latents " + split.name().toLowerCase(Locale.ROOT), n, batchSize, log);
        try (NpyArrayWriter writer = NpyArrayWriter.create(out, DataType.FLOAT32, n, d, side, side);
                NpyArrayWriter labelWriter = NpyArrayWriter.create(LatentsFile.labelsBeside(out), DataType.INT64, n);
                BatchLoader loader =
                        BatchLoader.builder(data).setBatchSize(batchSize).build()) {
            loader.forEachBatch(tokenizer.manager(), batch -> {
                NDArray z = model.latents(ps, batch.images(), false);
                float[] values = z.toFloatArray();
                writer.append(values);
                accumulate(values, d, side * side, sum, sumSq);
                long[] l = batch.labels().toLongArray();
                System.arraycopy(l, 0, labels, progress.imagesDone(), l.length);
                progress.batchDone(batch.size());
            });
            labelWriter.append(labels);
            AtomicFiles.writeString(
                    LatentsFile.infoBeside(out), info(tokenizer, model, split, n, d, side, sum, sumSq, data));
            labelWriter.commit();
            writer.commit();
        }
        LatentsFile written = LatentsFile.open(out);
        log.printf(
                Locale.ROOT,
                "wrote %d images x %d channels at %dx%d (float32) to %s, labels and statistics beside it%n",
                n,
                d,
                side,
                side,
                out);
        return written;
    }

    /** Adds per-channel sums of a batch (B, D, H*W) laid out row-major. */
    private static void accumulate(float[] values, int d, int positions, double[] sum, double[] sumSq) {
        int images = values.length / (d * positions);
        for (int b = 0; b < images; b++) {
            for (int c = 0; c < d; c++) {
                int base = (b * d + c) * positions;
                for (int p = 0; p < positions; p++) {
                    double v = values[base + p];
                    sum[c] += v;
                    sumSq[c] += v * v;
                }
            }
        }
    }

    private static String info(
            TrainedRun tokenizer,
            VqAutoencoder model,
            Split split,
            int n,
            int d,
            int side,
            double[] sum,
            double[] sumSq,
            ImageDataset data) {
        JsonObject o = new JsonObject();
        o.addProperty("format", LatentsFile.FORMAT);
        o.addProperty("version", LatentsFile.VERSION);
        o.addProperty("source", "encoder output after quant_conv, before quantization");
        o.addProperty("split", split.name().toLowerCase(Locale.ROOT));
        o.addProperty("count", n);
        o.addProperty("channels", d);
        o.addProperty("height", side);
        o.addProperty("width", side);
        o.addProperty("classes", data.numClasses());
        JsonArray mean = new JsonArray();
        JsonArray std = new JsonArray();
        double count = (double) n * side * side;
        for (int c = 0; c < d; c++) {
            double m = sum[c] / count;
            mean.add(m);
            std.add(Math.sqrt(Math.max(0, sumSq[c] / count - m * m)));
        }
        o.add("mean", mean);
        o.add("std", std);
        o.addProperty("quantizer", model.quantizer().type());
        o.addProperty("codebook_size", model.quantizer().codebookSize());
        o.addProperty("tokenizer_run", tokenizer.config().run().name());
        o.addProperty("tokenizer_step", tokenizer.checkpoint().step());
        return new GsonBuilder().setPrettyPrinting().create().toJson(o) + "\n";
    }
}
