package io.github.vqlc.experiments.cli;

import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.tasks.ModelSummary;
import io.github.vqlc.quantizers.lc.LargeCodebookQuantizerFactory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "summary",
        header = "Print the configured model's components and parameter counts.",
        mixinStandardHelpOptions = true,
        description = "Build the configured model without training and print each component (encoder, quant_conv, "
                + "quantizer, post_quant_conv, decoder, discriminator) with its parameter count (trainable / "
                + "frozen) and the token grid. The last line is `total parameters <N>`. The model is built on "
                + "the CPU whatever run.device says. A static codebook file (quantizer.codebook.init = file) "
                + "that does not exist yet is stood in for by a random codebook of the same size and "
                + "quantizer.codebook.dim (a note on stderr says so).",
        footer = {"", "Example:", "  vqlc summary -c configs/imagenet/vqgan-lc-f16-100k.conf"})
final class SummaryCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Override
    public Integer call() {
        ExperimentConfig loaded = config.load();
        if (!loaded.run().device().equals("cpu")) {
            config.overrides.add("run.device=cpu"); // parameter counts do not depend on the device
        }
        if (loaded.quantizer().type().equals("lc")) {
            LargeCodebookQuantizerFactory.standInForMissingCodebook(
                            loaded.quantizer().section(), Path.of("").toAbsolutePath())
                    .ifPresent(standIn -> {
                        System.err.println("note: " + standIn.note());
                        config.overrides.addAll(standIn.overrides());
                    });
        }
        System.out.println(ModelSummary.of(config.overrides.isEmpty() ? loaded : config.load())
                .render());
        return 0;
    }
}
