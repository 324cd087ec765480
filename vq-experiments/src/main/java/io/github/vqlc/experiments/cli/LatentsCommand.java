package io.github.vqlc.experiments.cli;

import io.github.vqlc.core.data.Split;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.experiments.tasks.LatentExtraction;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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

    @Mixin
    EncodedSplitOptions options;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Output .npy (default <RUN_DIR>/latents-<split>.npy; labels and statistics go beside it).")
    Path out;

    @Override
    public Integer call() {
        Split s = options.split(this);
        try (TrainedRun run = TrainedRun.open(options.runDir, List.of())) {
            LatentExtraction.run(
                    run,
                    s,
                    options.limit,
                    out != null ? out : LatentExtraction.defaultOutput(options.runDir, s),
                    System.out);
        }
        return 0;
    }
}
