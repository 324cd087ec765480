package io.github.vqlc.experiments.cli;

import io.github.vqlc.core.data.Split;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.experiments.tasks.LatentExtraction;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "latents",
        header = "Write a split's pre-quantization latents for diffusion.",
        mixinStandardHelpOptions = true,
        description = "Encode a split with a trained tokenizer into latents-<split>.npy (float32 (N, D, H, W): the"
                + " encoder's output after its 1x1 convolution, before quantization, what the VQGAN-LC authors'"
                + " LDM/DiT/SiT diffuse), latents-<split>-labels.npy (int64 (N)) and latents-<split>.json"
                + " (shape, per-channel mean and std, the tokenizer); numpy.load reads the arrays.",
        footer = {
            "",
            "Examples:",
            "  vqlc latents runs/fmnist-lc --split train          # runs/fmnist-lc/latents-train.npy, .json, -labels.npy",
            "  vqlc latents runs/fmnist-lc --split test --limit 1000"
        })
final class LatentsCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A tokenizer run directory written by `vqlc train`.")
    Path runDir;

    @Option(names = "--split", defaultValue = "train", description = "train or test (default ${DEFAULT-VALUE}).")
    String split;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Output .npy (default <RUN_DIR>/latents-<split>.npy; labels and statistics go beside it).")
    Path out;

    @Option(names = "--limit", defaultValue = "0", description = "Only the first N images (0 = all).")
    int limit;

    @Override
    public Integer call() {
        Split s = SplitOption.parse(this, split);
        try (TrainedRun run = TrainedRun.open(runDir, List.of())) {
            LatentExtraction.run(
                    run, s, limit, out != null ? out : LatentExtraction.defaultOutput(runDir, s), System.out);
        }
        return 0;
    }
}
