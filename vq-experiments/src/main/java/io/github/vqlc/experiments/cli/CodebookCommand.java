package io.github.vqlc.experiments.cli;

import io.github.vqlc.core.spi.FeatureExtractorFactory;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.wiring.Devices;
import io.github.vqlc.quantizers.codebook.CodebookBuilder;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "codebook",
        header = "Build VQGAN-LC's static codebook from pooled features.",
        mixinStandardHelpOptions = true,
        description = "Build VQGAN-LC's static codebook: pooled patch features of a split (codebook.extractor), "
                + "then k-means centres (per class or global), a random sample of features, or random rows "
                + "(codebook.init). Writes codebook.output (.npy) and a .json sidecar; use it with -o "
                + "quantizer.codebook.init=file -o quantizer.codebook.path=<file>.",
        footer = {
            "",
            "Example:",
            "  vqlc codebook -c configs/fashion-mnist/codebook.conf -o codebook.size=1024 \\",
            "      -o codebook.extractor.type=patches -o codebook.output=/tmp/cb.npy"
        })
final class CodebookCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Override
    public Integer call() {
        ExperimentConfig c = config.load();
        new CodebookBuilder(
                        c.codebook(),
                        c.data(),
                        c.run().seed(),
                        Devices.resolve(c.run().device()),
                        FeatureExtractorFactory.discover())
                .build(System.out);
        return 0;
    }
}
