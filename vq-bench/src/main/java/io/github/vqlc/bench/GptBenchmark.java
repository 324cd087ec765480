package io.github.vqlc.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.models.gpt.GptConfig;
import io.github.vqlc.models.gpt.GptSpec;
import io.github.vqlc.models.gpt.GptTrainer;
import io.github.vqlc.models.gpt.TokenBatches;
import io.github.vqlc.models.gpt.TokenGpt;
import io.github.vqlc.models.train.Adam;
import java.io.PrintStream;
import java.util.Locale;

/**
 * {@code vqlc bench gpt}: training steps of the configured token GPT (forward, cross-entropy with
 * the configured label smoothing and token corruption, backward, AdamW) on random token grids,
 * exactly the step {@code vqlc gpt train} runs ({@link GptTrainer#trainStep}), without data
 * loading. Its PyTorch peer is {@code vq-bench/scripts/pytorch/gpt_step.py}
 * ({@code vq-bench/scripts/compare-gpt.sh} runs both).
 */
public final class GptBenchmark {

    private GptBenchmark() {}

    /** @return tokens per second over the timed steps */
    public static double run(
            ExperimentConfig config, int vocab, int grid, int classes, int warmup, int steps, PrintStream out) {
        GptConfig g = config.gpt();
        GptSpec spec = new GptSpec(vocab, grid, grid, classes, g.layers(), g.width(), g.heads(), g.dropout());
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) config.run().seed());
            TokenGpt model = new TokenGpt(spec);
            model.initialize(manager);
            GptTrainer trainer =
                    new GptTrainer(model, manager, g, null, null, config.run().seed());
            Adam adam = trainer.newOptimizer();
            ParameterStore ps = new ParameterStore(manager, false);
            long parameters = model.getParameters().values().stream()
                    .mapToLong(p -> p.getArray().size())
                    .sum();
            int sequence = spec.sequenceLength();
            out.printf(
                    Locale.ROOT,
                    "bench gpt: %d layers, width %d, %d heads, %,d parameters, vocabulary %d, %d tokens + class,"
                            + " batch %d, dropout %.2f, token corruption %.2f, label smoothing %.2f%n",
                    g.layers(),
                    g.width(),
                    g.heads(),
                    parameters,
                    vocab,
                    grid * grid,
                    g.batchSize(),
                    g.dropout(),
                    g.tokenCorruption(),
                    g.labelSmoothing());
            StepTimer timer = new StepTimer();
            for (int i = 1; i <= warmup + steps; i++) {
                if (i == warmup + 1) {
                    timer.start();
                }
                try (NDScope scope = new NDScope();
                        NDManager sub = manager.newSubManager()) {
                    scope.suppressNotUsedWarning();
                    TokenBatches.Batch batch = new TokenBatches.Batch(
                            sub.randomInteger(0, classes, new Shape(g.batchSize()), DataType.INT64),
                            sub.randomInteger(0, vocab, new Shape(g.batchSize(), sequence), DataType.INT64));
                    NDArray loss = trainer.trainStep(ps, batch);
                    adam.step(g.lr());
                    if (i == warmup + steps) {
                        out.printf(Locale.ROOT, "final loss %.4f%n", loss.getFloat());
                    }
                }
            }
            double sequences = (double) steps * g.batchSize() / timer.stop();
            timer.print(out, steps);
            out.printf(Locale.ROOT, "tokens_per_second %.1f%n", sequences * sequence);
            out.printf(Locale.ROOT, "sequences_per_second %.2f%n", sequences);
            return sequences * sequence;
        }
    }
}
