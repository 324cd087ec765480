package io.github.vqlc.experiments.cli;

import io.github.vqlc.experiments.run.ModelSummary;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "summary", mixinStandardHelpOptions = true,
        description = {"Build the configured model without training and print each component (encoder,",
                "quant_conv, quantizer, post_quant_conv, decoder, discriminator) with its parameter count",
                "(trainable / frozen) and the token grid. The last line is `total parameters <N>`."},
        footer = {"", "Example:", "  vqlc summary -c configs/imagenet/vqgan-lc-f16-100k.conf -o quantizer.codebook.init=random"})
final class SummaryCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Override
    public Integer call() {
        System.out.println(ModelSummary.of(config.load()).render());
        return 0;
    }
}
