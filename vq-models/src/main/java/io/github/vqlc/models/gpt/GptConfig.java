package io.github.vqlc.models.gpt;

import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.Values;
import io.github.vqlc.core.io.TokenFile;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code gpt} section (declared, with comments, in vq-models' reference.conf).
 *
 * @param tokens tokens file of the training split (null when not set)
 * @param tokenizer tokenizer run directory, or null = the tokens file's directory
 * @param vocabSize configured vocabulary, 0 = from the tokens file
 * @param grid configured [h, w], empty = from the tokens file
 * @param tokenCorruption fraction of input tokens replaced by uniformly random ids during training
 *     (targets stay clean); the VQGAN-LC authors train with 0.2 (their pkeep = 0.8)
 */
public record GptConfig(
        Path tokens,
        Path tokenizer,
        int vocabSize,
        List<Integer> grid,
        int layers,
        int width,
        int heads,
        double dropout,
        int steps,
        int batchSize,
        double lr,
        double minLr,
        int warmupSteps,
        double beta1,
        double beta2,
        double weightDecay,
        double labelSmoothing,
        double tokenCorruption,
        int logEvery,
        int checkpointEvery,
        int keepCheckpoints,
        int sampleEvery,
        SamplingOptions sampling,
        int sampleBatchSize) {

    /** Reads the {@code gpt} section (declared in vq-models' reference.conf). */
    public static GptConfig from(Config c) {
        Values v = new Values(c, "gpt");
        Values s = new Values(c.getConfig("sample"), "gpt.sample");
        List<Integer> grid = v.intList("grid", 1);
        if (!grid.isEmpty() && grid.size() != 2) {
            throw v.outOfRange("grid", grid, "[] or [h, w]");
        }
        int width = v.intAtLeast("width", 1);
        int heads = v.intAtLeast("heads", 1);
        if (width % heads != 0) {
            throw new UserException("gpt.width = " + width + " is not divisible by gpt.heads = " + heads);
        }
        return new GptConfig(
                v.optionalPath("tokens"),
                v.optionalPath("tokenizer"),
                v.intIn("vocab-size", 0, Integer.MAX_VALUE),
                grid,
                v.intAtLeast("layers", 1),
                width,
                heads,
                v.doubleIn("dropout", 0, 0.99),
                v.intAtLeast("steps", 1),
                v.intAtLeast("batch-size", 1),
                v.positive("lr"),
                v.doubleIn("min-lr", 0, 1),
                v.intAtLeast("warmup-steps", 0),
                v.doubleIn("beta1", 0, 0.999999),
                v.doubleIn("beta2", 0, 0.999999),
                v.doubleIn("weight-decay", 0, 10),
                v.doubleIn("label-smoothing", 0, 0.99),
                v.doubleIn("token-corruption", 0, 1),
                v.intAtLeast("log-every", 1),
                v.intAtLeast("checkpoint-every", 1),
                v.intAtLeast("keep-checkpoints", 1),
                v.intAtLeast("sample-every", 0),
                new SamplingOptions(s.positive("temperature"), s.intAtLeast("top-k", 0), s.doubleIn("top-p", 1e-6, 1)),
                s.intAtLeast("batch-size", 1));
    }

    /** The tokens file, or a user error when {@code gpt.tokens} is not set. */
    public Path requireTokens() {
        if (tokens == null) {
            throw new UserException("gpt.tokens is not set: point it at a tokens file from `vqlc tokenize <run-dir>`");
        }
        return tokens;
    }

    /** The tokenizer run directory: {@code gpt.tokenizer}, else the directory of the tokens file. */
    public Path tokenizerDir() {
        if (tokenizer != null) {
            return tokenizer;
        }
        Path parent = requireTokens().toAbsolutePath().getParent();
        return parent;
    }

    /**
     * The model shape for training on {@code tokens}: V and the grid come from the file; configured
     * values must match it (one-line error naming both otherwise).
     */
    public GptSpec spec(TokenFile.Header tokens, Path file) {
        if (vocabSize != 0 && vocabSize != tokens.codebookSize()) {
            throw new UserException("tokens file " + file + " has codebook size " + tokens.codebookSize()
                    + " but gpt.vocab-size = " + vocabSize);
        }
        if (!grid.isEmpty() && (grid.get(0) != tokens.gridHeight() || grid.get(1) != tokens.gridWidth())) {
            throw new UserException("tokens file " + file + " has a " + tokens.gridHeight() + "x" + tokens.gridWidth()
                    + " token grid but gpt.grid = [" + grid.get(0) + ", " + grid.get(1) + "]");
        }
        return new GptSpec(
                tokens.codebookSize(),
                tokens.gridHeight(),
                tokens.gridWidth(),
                tokens.labelClasses(),
                layers,
                width,
                heads,
                dropout);
    }
}
