package io.github.vqlc.experiments.cli;

import io.github.vqlc.experiments.interop.TokenizerImport;
import io.github.vqlc.experiments.interop.WeightNaming;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "import",
        header = "Make a run from a PyTorch tokenizer's weights.",
        mixinStandardHelpOptions = true,
        description = "Reads a .safetensors or .npz state dict with taming-transformers' VQModel names (--naming"
                + " taming), the VQGAN-LC authors' (vqgan-lc) or vqlc's (vqlc), builds the model the config"
                + " describes (-c, -o; taming and vqgan-lc set model.downsample-padding = taming, as their encoders"
                + " pad), loads every tensor after checking its name and shape, and writes run.dir with config.conf"
                + " and a step-0 checkpoint: `vqlc eval`, `tokenize`, `analyze` and the GPT then work on it. A"
                + " discriminator's and a perceptual network's tensors are skipped. A .pth is converted to .npz"
                + " first (docs/interop.md).",
        footer = {
            "",
            "Example:",
            "  vqlc import vqgan.npz --naming taming -c configs/fashion-mnist/base.conf -o run.dir=runs/imported"
        })
final class ImportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The weights: .safetensors or .npz.")
    Path file;

    @Option(
            names = "--naming",
            defaultValue = "taming",
            description = "taming, vqgan-lc or vqlc: whose state-dict names the file uses (default ${DEFAULT-VALUE}).")
    String naming;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() {
        TokenizerImport.run(
                new TokenizerImport.Request(file, WeightNaming.parse(naming), config.file, config.overrides),
                System.out);
        return 0;
    }
}
