package io.github.vqlc.experiments.cli;

import io.github.vqlc.core.search.SearchBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (speed ratios within one run).",
        subcommands = {BenchCommand.Search.class, BenchCommand.Train.class})
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

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Full training steps (generator with all configured loss terms + discriminator) of the",
                    "configured model on random batches; prints resident memory and a final",
                    "`images_per_second <x>` line. Compare with PyTorch: bench/compare-train.sh."},
            footer = {"", "Example:", "  vqlc bench train -c configs/fashion-mnist/lc.conf --steps 50"})
    static final class Train implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        ConfigOptions config = new ConfigOptions();

        @Option(names = "--steps", defaultValue = "50", description = "Timed steps (default ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--warmup", defaultValue = "5", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
        int warmup;

        @Override
        public Integer call() {
            io.github.vqlc.experiments.run.TrainBenchmark.run(config.load(), warmup, steps, System.out);
            return 0;
        }
    }
}
