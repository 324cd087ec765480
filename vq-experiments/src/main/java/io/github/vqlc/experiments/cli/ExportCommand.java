package io.github.vqlc.experiments.cli;

import io.github.vqlc.experiments.interop.TokenizerExport;
import io.github.vqlc.experiments.interop.WeightNaming;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "export",
        header = "Write a tokenizer's weights for PyTorch (safetensors).",
        mixinStandardHelpOptions = true,
        description = "Writes the tokenizer of a run (encoder, quant_conv, quantizer state incl. a frozen codebook and"
                + " its projector, post_quant_conv, decoder; the run's EMA weights when it trained with them) as a"
                + " .safetensors file with the state-dict names of taming-transformers' VQModel (--naming taming:"
                + " vq and ema quantizers), of the VQGAN-LC authors' model (vqgan-lc: the lc quantizer) or vqlc's"
                + " own (vqlc: any quantizer), plus FILE.json with the model in taming's config terms. With"
                + " --reference DIR, also the first test images and the tokenizer's latents, indices and"
                + " reconstructions of them as .npy files, for a PyTorch program to compare with. docs/interop.md.",
        footer = {
            "",
            "Example:",
            "  vqlc export runs/fmnist-lc --naming vqgan-lc --out exports/fmnist-lc.safetensors"
                    + " --reference exports/fmnist-lc-reference"
        })
final class ExportCommand implements Callable<Integer> {

    @Parameters(
            index = "0",
            paramLabel = "RUN_DIR",
            description = "A run directory written by `vqlc train` or `vqlc import`.")
    Path runDir;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The .safetensors file to write.")
    Path output;

    @Option(
            names = "--naming",
            defaultValue = "vqlc",
            description = "taming, vqgan-lc or vqlc: whose state-dict names (default ${DEFAULT-VALUE}).")
    String naming;

    @Option(names = "--format", defaultValue = "safetensors", description = "safetensors (the only format).")
    String format;

    @Option(
            names = "--reference",
            paramLabel = "DIR",
            description = "Also write images.npy, latents.npy, indices.npy, reconstructions.npy of test images here.")
    Path reference;

    @Option(
            names = "--reference-images",
            paramLabel = "N",
            defaultValue = "16",
            description = "Test images in the reference outputs (default ${DEFAULT-VALUE}).")
    int referenceImages;

    @Option(
            names = "--discriminator",
            description = "Also the PatchGAN discriminator (taming: loss.discriminator.main.*; vqgan-lc, vqlc:"
                    + " discriminator.main.*).")
    boolean discriminator;

    @Option(
            names = {"-o", "--override"},
            paramLabel = "KEY=VALUE",
            description = "Override a key of the run's config.")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() {
        if (!format.equals("safetensors")) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--format " + format + " is not supported; expected safetensors");
        }
        TokenizerExport.run(
                new TokenizerExport.Request(
                        runDir,
                        WeightNaming.parse(naming),
                        output,
                        reference,
                        referenceImages,
                        discriminator,
                        overrides),
                System.out);
        return 0;
    }
}
