package io.github.vqlc.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.github.vqlc.models.gpt.GptSpec;
import io.github.vqlc.models.gpt.SamplingOptions;
import io.github.vqlc.models.gpt.TokenGpt;
import io.github.vqlc.models.gpt.TokenSampler;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code vqlc bench sample}: sampling throughput of a randomly initialized {@link TokenGpt} with and
 * without the key/value cache, same model, same batch, same process, so the ratio holds on a
 * shared machine even when absolute figures move. Prints tokens/s of both and a final
 * {@code speedup <x>x} line.
 */
public final class SamplingBenchmark {

    private SamplingBenchmark() {}

    /** Median seconds of {@code repeats} timed runs (after one warm-up run) for both modes; returns the speedup. */
    public static double run(
            int layers,
            int width,
            int heads,
            int tokens,
            int vocab,
            int batch,
            int repeats,
            long seed,
            PrintStream out) {
        GptSpec spec = new GptSpec(vocab, 1, tokens, 10, layers, width, heads, 0.0);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) seed);
            TokenGpt gpt = new TokenGpt(spec);
            gpt.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            TokenSampler sampler = new TokenSampler(gpt, SamplingOptions.authorsDefaults());
            out.printf(
                    Locale.ROOT,
                    "GPT %d layers, width %d, %d heads, %,d parameters; %d tokens, vocabulary %d, batch %d, "
                            + "top-k %d; %d engine threads%n",
                    layers,
                    width,
                    heads,
                    spec.parameterCount(),
                    tokens,
                    vocab,
                    batch,
                    SamplingOptions.authorsDefaults().effectiveTopK(vocab),
                    Runtime.getRuntime().availableProcessors());
            double cached = time(sampler, ps, m, batch, true, repeats);
            double full = time(sampler, ps, m, batch, false, repeats);
            double produced = (double) batch * tokens;
            out.printf(Locale.ROOT, "with KV cache:    %8.3f s  %10.1f tokens/s%n", cached, produced / cached);
            out.printf(Locale.ROOT, "without KV cache: %8.3f s  %10.1f tokens/s%n", full, produced / full);
            double speedup = full / cached;
            out.printf(Locale.ROOT, "speedup %.2fx%n", speedup);
            return speedup;
        }
    }

    private static double time(
            TokenSampler sampler, ParameterStore ps, NDManager m, int batch, boolean cache, int repeats) {
        double[] seconds = new double[repeats + 1];
        for (int r = 0; r <= repeats; r++) {
            try (NDManager sub = m.newSubManager()) {
                long[] cls = new long[batch];
                for (int i = 0; i < batch; i++) {
                    cls[i] = i % 10;
                }
                long t0 = System.nanoTime();
                NDArray tokens = sampler.sample(ps, sub.create(cls), cache);
                tokens.toLongArray(); // wait for the result
                seconds[r] = (System.nanoTime() - t0) / 1e9;
            }
        }
        double[] timed = Arrays.copyOfRange(seconds, 1, seconds.length); // the first run is the warm-up
        Arrays.sort(timed);
        return timed[timed.length / 2];
    }
}
