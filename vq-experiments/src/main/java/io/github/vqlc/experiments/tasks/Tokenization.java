package io.github.vqlc.experiments.tasks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.data.BatchLoader;
import io.github.vqlc.core.data.Datasets;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.data.Split;
import io.github.vqlc.core.io.NpyTokenFiles;
import io.github.vqlc.core.io.TokenFile;
import io.github.vqlc.core.io.TokenWriter;
import io.github.vqlc.experiments.progress.SplitProgress;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code vqlc tokenize}: encodes a split with a trained tokenizer (encoder + quantizer only, never
 * the decoder) into a {@link TokenFile}, batch by batch, each batch in its own sub-manager.
 */
public final class Tokenization {

    private Tokenization() {}

    /** The output formats: vqlc's token file (for `vqlc gpt`), or NumPy arrays (for PyTorch programs). */
    public enum Format {
        /** {@link TokenFile}: header, int16/int32 codes, labels. */
        VQT,
        /** {@link NpyTokenFiles}: tokens-*.npy int64 (N, H, W) and labels-*.npy int64 (N). */
        NPY;

        public String extension() {
            return "." + name().toLowerCase(Locale.ROOT);
        }
    }

    /** The default output: {@code <run-dir>/tokens-<split>.vqt}. */
    public static Path defaultOutput(Path runDir, Split split) {
        return defaultOutput(runDir, split, Format.VQT);
    }

    /** The default output of a format: {@code <run-dir>/tokens-<split>.vqt} or {@code .npy}. */
    public static Path defaultOutput(Path runDir, Split split, Format format) {
        return runDir.resolve("tokens-" + split.name().toLowerCase(Locale.ROOT) + format.extension());
    }

    /** Encodes into a {@link TokenFile} (see {@link #run(TrainedRun, Split, int, Path, Format, PrintStream)}). */
    public static TokenFile.Header run(TrainedRun tokenizer, Split split, int limit, Path out, PrintStream log) {
        return run(tokenizer, split, limit, out, Format.VQT, log);
    }

    /**
     * Encodes {@code split} (its first {@code limit} images when limit > 0) into {@code out}.
     *
     * @return the header of the written file
     */
    public static TokenFile.Header run(
            TrainedRun tokenizer, Split split, int limit, Path out, Format format, PrintStream log) {
        var config = tokenizer.config();
        ImageDataset data = Datasets.open(config.data(), split, config.run().seed());
        if (limit > 0) {
            data = Datasets.limit(data, Math.min(limit, data.size()));
        }
        VqAutoencoder model = tokenizer.model();
        // a quantizer's G codes per position lie side by side: a grid of side x (side G)
        int side = model.gridSide();
        TokenFile.Header header = new TokenFile.Header(
                model.quantizer().codebookSize(),
                side,
                side * model.quantizer().codesPerPosition(),
                data.size(),
                data.numClasses());
        Path labelsOut = format == Format.NPY ? NpyTokenFiles.labelsBeside(out) : null;
        log.println("tokenizing " + data.describe() + " with "
                + tokenizer.checkpoint().dir() + " -> " + out + (labelsOut == null ? "" : " and " + labelsOut));
        ParameterStore ps = new ParameterStore(tokenizer.manager(), false);
        int batchSize = config.eval().batchSize();
        SplitProgress progress =
                new SplitProgress("tokenize " + split.name().toLowerCase(Locale.ROOT), header.count(), batchSize, log);
        try (TokenWriter writer = format == Format.NPY
                        ? NpyTokenFiles.create(out, labelsOut, header)
                        : TokenFile.create(out, header);
                BatchLoader loader =
                        BatchLoader.builder(data).setBatchSize(batchSize).build()) {
            loader.forEachBatch(tokenizer.manager(), batch -> {
                NDArray indices = model.encode(ps, batch.images(), false).indices();
                long[] codes = indices.toType(DataType.INT64, false).toLongArray();
                long[] labels = batch.labels().toLongArray();
                int[] l = new int[labels.length];
                for (int i = 0; i < l.length; i++) {
                    l[i] = (int) labels[i];
                }
                writer.append(codes, l, batch.size());
                progress.batchDone(batch.size());
            });
            writer.commit();
        }
        log.printf(
                Locale.ROOT,
                "wrote %d images x %dx%d tokens (codebook %d, %d classes, %s codes) to %s%n",
                header.count(),
                header.gridHeight(),
                header.gridWidth(),
                header.codebookSize(),
                header.labelClasses(),
                format == Format.NPY ? "int64" : header.codeBytes() == 2 ? "int16" : "int32",
                out);
        return header;
    }
}
