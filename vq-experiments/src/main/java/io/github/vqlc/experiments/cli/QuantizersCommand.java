package io.github.vqlc.experiments.cli;

import io.github.vqlc.core.spi.QuantizerFactory;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
        name = "quantizers",
        header = "List the registered quantizer types.",
        mixinStandardHelpOptions = true,
        description = "List the quantizer types registered through the SPI (usable as quantizer.type).")
final class QuantizersCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        for (QuantizerFactory f : QuantizerFactory.discover().all()) {
            System.out.printf(
                    "%-8s %s  (%s)%n", f.type(), f.description(), f.getClass().getName());
        }
        return 0;
    }
}
