package io.github.vqlc.experiments.cli;

import io.github.vqlc.core.search.SearchBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (speed ratios within one run).",
        subcommands = {BenchCommand.Search.class, BenchCommand.Sample.class})
final class BenchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "search", mixinStandardHelpOptions = true,
            description = {"Nearest-code search: ours (chunked) vs the naive full distance matrix, same data,",
                    "same process. Prints times, peak extra memory and a final `speedup <x>x` line."})
    static final class Search implements Callable<Integer> {
        @Option(names = "--codes", defaultValue = "100000", description = "Codebook size K (default ${DEFAULT-VALUE}).")
        int codes;

        @Option(names = "--dim", defaultValue = "8", description = "Vector width D (default ${DEFAULT-VALUE}).")
        int dim;

        @Option(names = "--vectors", defaultValue = "4096", description = "Query vectors N (default ${DEFAULT-VALUE}).")
        int vectors;

        @Option(names = "--repeats", defaultValue = "5", description = "Timed repeats; the median is reported (default ${DEFAULT-VALUE}).")
        int repeats;

        @Option(names = "--seed", defaultValue = "0")
        long seed;

        @Override
        public Integer call() {
            SearchBenchmark.run(codes, dim, vectors, repeats, seed, System.out);
            return 0;
        }
    }

    @Command(name = "sample", mixinStandardHelpOptions = true,
            description = {"Token GPT sampling with and without the key/value cache: same random model, same batch,",
                    "same process. Prints tokens/s of both and a final `speedup <x>x` line."})
    static final class Sample implements Callable<Integer> {
        @Option(names = "--layers", defaultValue = "4", description = "Transformer blocks (default ${DEFAULT-VALUE}).")
        int layers;

        @Option(names = "--width", defaultValue = "256", description = "Model width (default ${DEFAULT-VALUE}).")
        int width;

        @Option(names = "--heads", defaultValue = "8", description = "Attention heads (default ${DEFAULT-VALUE}).")
        int heads;

        @Option(names = "--tokens", defaultValue = "64", description = "Tokens per image (default ${DEFAULT-VALUE}).")
        int tokens;

        @Option(names = "--vocab", defaultValue = "16384", description = "Vocabulary size (default ${DEFAULT-VALUE}).")
        int vocab;

        @Option(names = "--batch", defaultValue = "16", description = "Images sampled at once (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--repeats", defaultValue = "3", description = "Timed repeats after a warm-up; the median is reported (default ${DEFAULT-VALUE}).")
        int repeats;

        @Option(names = "--seed", defaultValue = "0")
        long seed;

        @Override
        public Integer call() {
            if (width % heads != 0 || layers < 1 || tokens < 1 || vocab < 1 || batch < 1 || repeats < 1) {
                throw new io.github.vqlc.core.UserException("bench sample: need width divisible by heads and positive sizes");
            }
            io.github.vqlc.models.gpt.SamplingBenchmark.run(layers, width, heads, tokens, vocab, batch, repeats, seed, System.out);
            return 0;
        }
    }
}
