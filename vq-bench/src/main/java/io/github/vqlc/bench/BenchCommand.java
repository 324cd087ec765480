package io.github.vqlc.bench;

import io.github.vqlc.core.UserException;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.experiments.cli.CommandExtension;
import io.github.vqlc.experiments.cli.ConfigOptions;
import io.github.vqlc.quantizers.codebook.kmeans.KMeans;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        header = "Benchmarks: our kernels against a baseline in the same run.",
        description = "Each benchmark times ours and a baseline on the same data in one process and prints the "
                + "ratio (absolute times on a shared machine are noise). The scripts in vq-bench/scripts "
                + "compare with PyTorch and scikit-learn; docs/benchmarks.md records the figures and their "
                + "commands.",
        subcommands = {
            BenchCommand.Search.class,
            BenchCommand.KMeansLloyd.class,
            BenchCommand.Train.class,
            BenchCommand.Gpt.class,
            BenchCommand.Diffusion.class,
            BenchCommand.Sample.class,
            BenchCommand.Quantize.class
        })
public final class BenchCommand implements Runnable {

    /** Adds {@code vqlc bench} to the CLI when this jar is on the class path. */
    public static final class Extension implements CommandExtension {
        @Override
        public Object command() {
            return new BenchCommand();
        }
    }

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "search",
            header = "Nearest-code search against the full distance matrix.",
            mixinStandardHelpOptions = true,
            description = "Nearest-code search: ours (chunked) vs the naive full distance matrix, same data, same "
                    + "process. Prints times, peak extra memory and a final `speedup <x>x` line.")
    static final class Search implements Callable<Integer> {
        @Option(names = "--codes", defaultValue = "100000", description = "Codebook size K (default ${DEFAULT-VALUE}).")
        int codes;

        @Option(names = "--dim", defaultValue = "8", description = "Vector width D (default ${DEFAULT-VALUE}).")
        int dim;

        @Option(names = "--vectors", defaultValue = "4096", description = "Query vectors N (default ${DEFAULT-VALUE}).")
        int vectors;

        @Option(
                names = "--repeats",
                defaultValue = "5",
                description = "Timed repeats; the median is reported (default ${DEFAULT-VALUE}).")
        int repeats;

        @Option(names = "--seed", defaultValue = "0")
        long seed;

        @Override
        public Integer call() {
            SearchBenchmark.run(codes, dim, vectors, repeats, seed, System.out);
            return 0;
        }
    }

    @Command(
            name = "diffusion",
            header = "Training and sampling of the diffusion transformer (peer: PyTorch).",
            mixinStandardHelpOptions = true,
            description = "Training steps of the configured diffusion transformer (velocity loss with class dropout,"
                    + " backward, AdamW, weight EMA) on random latents, then one batch of latents sampled per"
                    + " --sample-steps value with the configured integrator and guidance; prints"
                    + " `train_images_per_second <x>` and `sample_images_per_second_<steps> <x>` lines. Compare"
                    + " with PyTorch: vq-bench/scripts/compare-diffusion.sh.",
            footer = {
                "",
                "Example:",
                "  vqlc bench diffusion -c configs/fashion-mnist/sit.conf --channels 8 --grid 8 --sample-steps 10,50"
            })
    static final class Diffusion implements Callable<Integer> {
        @Mixin
        ConfigOptions config = new ConfigOptions();

        @Option(names = "--channels", defaultValue = "8", description = "Latent channels (default ${DEFAULT-VALUE}).")
        int channels;

        @Option(names = "--grid", defaultValue = "8", description = "Latent grid side (default ${DEFAULT-VALUE}).")
        int grid;

        @Option(names = "--classes", defaultValue = "10", description = "Classes (default ${DEFAULT-VALUE}).")
        int classes;

        @Option(
                names = "--steps",
                defaultValue = "20",
                description = "Timed training steps (default ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
        int warmup;

        @Option(
                names = "--sample-steps",
                defaultValue = "10,50",
                split = ",",
                description = "ODE steps of each timed sampling run (default ${DEFAULT-VALUE}).")
        int[] sampleSteps;

        @Override
        public Integer call() {
            if (steps < 1
                    || warmup < 0
                    || channels < 1
                    || grid < 1
                    || classes < 1
                    || Arrays.stream(sampleSteps).anyMatch(n -> n < 1)) {
                throw new UserException("bench diffusion: --steps, --channels, --grid, --classes and every"
                        + " --sample-steps value must be >= 1 and --warmup >= 0");
            }
            DiffusionBenchmark.run(config.load(), channels, grid, classes, warmup, steps, sampleSteps, System.out);
            return 0;
        }
    }

    @Command(
            name = "gpt",
            header = "Training steps of the token GPT (peer: PyTorch).",
            mixinStandardHelpOptions = true,
            description = "Training steps of the configured token GPT (forward, loss with the configured label"
                    + " smoothing and token corruption, backward, AdamW) on random token grids; prints a final"
                    + " `sequences_per_second <x>` line. Compare with PyTorch: vq-bench/scripts/compare-gpt.sh.",
            footer = {"", "Example:", "  vqlc bench gpt -c configs/fashion-mnist/gpt.conf --vocab 16384 --steps 30"})
    static final class Gpt implements Callable<Integer> {
        @Mixin
        ConfigOptions config = new ConfigOptions();

        @Option(names = "--vocab", defaultValue = "16384", description = "Vocabulary (default ${DEFAULT-VALUE}).")
        int vocab;

        @Option(
                names = "--grid",
                defaultValue = "8",
                description = "Token grid side: grid x grid tokens per image (default ${DEFAULT-VALUE}).")
        int grid;

        @Option(names = "--classes", defaultValue = "10", description = "Classes (default ${DEFAULT-VALUE}).")
        int classes;

        @Option(names = "--steps", defaultValue = "30", description = "Timed steps (default ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
        int warmup;

        @Override
        public Integer call() {
            if (steps < 1 || warmup < 0 || vocab < 1 || grid < 1 || classes < 1) {
                throw new UserException(
                        "bench gpt: --steps, --vocab, --grid and --classes must be >= 1 and --warmup" + " >= 0");
            }
            GptBenchmark.run(config.load(), vocab, grid, classes, warmup, steps, System.out);
            return 0;
        }
    }

    @Command(
            name = "train",
            header = "Full training steps of the configured model (peer: PyTorch).",
            mixinStandardHelpOptions = true,
            description = "Full training steps (generator with all configured loss terms + discriminator) of the "
                    + "configured model on random batches; prints resident memory, an `images_per_second "
                    + "<x>` line and the cost of the code-usage record. Compare with PyTorch: vq-bench/scripts/compare-train.sh. "
                    + "With --replicas N, the same steps with one replica and then with N data parallel replicas on "
                    + "the CPU (same total batch), and the overhead of the replica machinery.",
            footer = {
                "",
                "Examples:",
                "  vqlc bench train -c configs/fashion-mnist/lc.conf --steps 50",
                "  vqlc bench train -c configs/fashion-mnist/lc.conf --steps 30 --replicas 2"
            })
    static final class Train implements Callable<Integer> {
        @Mixin
        ConfigOptions config = new ConfigOptions();

        @Option(names = "--steps", defaultValue = "50", description = "Timed steps (default ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--warmup", defaultValue = "5", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
        int warmup;

        @Option(
                names = "--profile",
                paramLabel = "FILE",
                description = "Record libtorch's operator profile of the timed steps as a Chrome trace to FILE "
                        + "(summarize: /usr/bin/python3 vq-bench/scripts/profile_ops.py FILE).")
        Path profile;

        @Option(
                names = "--replicas",
                defaultValue = "1",
                description = "Also run N data parallel replicas on the CPU and print their overhead against one "
                        + "replica on the same batch (default ${DEFAULT-VALUE}: one run as configured).")
        int replicas;

        @Override
        public Integer call() {
            if (replicas < 1) {
                throw new UserException("bench train: --replicas must be >= 1, got " + replicas);
            }
            if (steps < 1 || warmup < 0) {
                throw new UserException(
                        "bench train: --steps must be >= 1 and --warmup >= 0, got " + steps + " and " + warmup);
            }
            if (profile != null
                    && profile.toAbsolutePath().getParent() != null
                    && !Files.isDirectory(profile.toAbsolutePath().getParent())) {
                throw new UserException("--profile " + profile + ": no directory "
                        + profile.toAbsolutePath().getParent());
            }
            if (replicas == 1) {
                TrainBenchmark.run(config.load(), warmup, steps, profile, System.out);
                return 0;
            }
            double one = TrainBenchmark.run(config.load("train.devices=[cpu]"), warmup, steps, null, System.out);
            String devices = "[" + String.join(",", Collections.nCopies(replicas, "cpu")) + "]";
            double many =
                    TrainBenchmark.run(config.load("train.devices=" + devices), warmup, steps, profile, System.out);
            System.out.printf(
                    Locale.ROOT,
                    "replica overhead: %.1f%% (%d replicas on one CPU, %.2f images/s, against one replica, %.2f images/s,"
                            + " same batch)%n",
                    100 * (one / many - 1),
                    replicas,
                    many,
                    one);
            return 0;
        }
    }

    @Command(
            name = "kmeans",
            header = "Lloyd k-means iterations (peer: scikit-learn).",
            mixinStandardHelpOptions = true,
            description = "k-means: exactly --iters Lloyd iterations on seeded Gaussian blobs from seeded initial "
                    + "centres. Prints seconds per iteration and the final inertia; --export DIR writes "
                    + "points.npy and init.npy for vq-bench/scripts/kmeans_sklearn.py "
                    + "(vq-bench/scripts/compare-kmeans.sh runs both).")
    static final class KMeansLloyd implements Callable<Integer> {
        @Option(names = "--points", defaultValue = "200000", description = "Points N (default ${DEFAULT-VALUE}).")
        int points;

        @Option(names = "--dim", defaultValue = "64", description = "Width D (default ${DEFAULT-VALUE}).")
        int dim;

        @Option(
                names = "--k",
                defaultValue = "10000",
                description = "Centres K, also the number of blobs (default ${DEFAULT-VALUE}).")
        int k;

        @Option(names = "--iters", defaultValue = "5", description = "Lloyd iterations (default ${DEFAULT-VALUE}).")
        int iters;

        @Option(
                names = "--seed",
                defaultValue = "0",
                description = "Seed of data and initial centres (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(
                names = "--init",
                defaultValue = "random",
                description = "Initial centres: random | k-means++ (timed separately; default ${DEFAULT-VALUE}).")
        String init;

        @Option(
                names = "--search-threads",
                defaultValue = "0",
                description = "Java threads splitting the nearest-centre search, PyTorch ops single-threaded;"
                        + " 1 = PyTorch's own threads; 0 = auto (default ${DEFAULT-VALUE}).")
        int searchThreads;

        @Option(
                names = "--no-prune",
                description = "Search every point in every assignment (plain Lloyd, as scikit-learn's"
                        + " algorithm=\"lloyd\"); by default points provably still nearest their centre are skipped.")
        boolean noPrune;

        @Option(names = "--export", description = "Directory to write points.npy and init.npy into.")
        Path export;

        @Override
        public Integer call() {
            KMeans.Init start = switch (init) {
                case "random" -> KMeans.Init.RANDOM;
                case "k-means++" -> KMeans.Init.KMEANS_PLUS_PLUS;
                default ->
                    throw new UserException("bench kmeans: --init " + init + " is not one of: random, k-means++");
            };
            try {
                KMeansBenchmark.run(points, dim, k, iters, seed, start, searchThreads, !noPrune, export, System.out);
            } catch (IllegalArgumentException e) {
                throw new UserException("bench kmeans: " + e.getMessage(), e);
            }
            return 0;
        }
    }

    @Command(
            name = "sample",
            header = "GPT sampling with and without the key/value cache.",
            mixinStandardHelpOptions = true,
            description = "Token GPT sampling with and without the key/value cache: same random model, same batch, "
                    + "same process. Prints tokens/s of both and a final `speedup <x>x` line.")
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

        @Option(
                names = "--batch",
                defaultValue = "16",
                description = "Images sampled at once (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(
                names = "--repeats",
                defaultValue = "3",
                description = "Timed repeats after a warm-up; the median is reported (default ${DEFAULT-VALUE}).")
        int repeats;

        @Option(names = "--seed", defaultValue = "0")
        long seed;

        @Override
        public Integer call() {
            if (width % heads != 0 || layers < 1 || tokens < 1 || vocab < 1 || batch < 1 || repeats < 1) {
                throw new UserException("bench sample: need width divisible by heads and positive sizes");
            }
            SamplingBenchmark.run(layers, width, heads, tokens, vocab, batch, repeats, seed, System.out);
            return 0;
        }
    }

    @Command(
            name = "quantize",
            header = "Forward and backward of every quantizer type, next to vq's.",
            mixinStandardHelpOptions = true,
            description = "Every registered quantizer type (or --types) on the same random latents: forward +"
                    + " backward time per batch, its ratio to vq's, and the peak extra resident memory of one step."
                    + " fsq takes the authors' level grid nearest --codes, lfq and bsq the bits (2^d) nearest it.")
    static final class Quantize implements Callable<Integer> {
        @Option(names = "--codes", defaultValue = "16384", description = "Codebook size K (default ${DEFAULT-VALUE}).")
        int codes;

        @Option(names = "--dim", defaultValue = "8", description = "Latent width D (default ${DEFAULT-VALUE}).")
        int dim;

        @Option(
                names = "--tokens",
                defaultValue = "2048",
                description = "Latent vectors per batch (default ${DEFAULT-VALUE}: 32 images of 8x8).")
        int tokens;

        @Option(
                names = "--types",
                split = ",",
                description = "Types to run (default: every registered type; vq always runs first).")
        List<String> types;

        @Option(names = "--steps", defaultValue = "10", description = "Timed batches (default ${DEFAULT-VALUE}).")
        int steps;

        @Option(
                names = "--warmup",
                defaultValue = "2",
                description = "Untimed batches first (default ${DEFAULT-VALUE}).")
        int warmup;

        @Override
        public Integer call() {
            if (codes < 2 || dim < 1 || tokens < 32 || steps < 1 || warmup < 0) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this),
                        "bench quantize: --codes >= 2, --dim >= 1, --tokens >= 32, --steps >= 1, --warmup >= 0");
            }
            List<String> chosen = types != null
                    ? types
                    : List.copyOf(QuantizerFactory.discover().types());
            QuantizeBenchmark.run(chosen, codes, dim, tokens, warmup, steps, System.out);
            return 0;
        }
    }
}
