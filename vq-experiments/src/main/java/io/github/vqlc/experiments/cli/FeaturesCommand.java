package io.github.vqlc.experiments.cli;

import io.github.vqlc.core.spi.FeatureExtractorFactory;
import io.github.vqlc.experiments.tasks.FeatureNetTraining;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "features",
        header = "Train the feature network; list the feature extractor types.",
        mixinStandardHelpOptions = true,
        description = "Image feature extractors for codebook construction and FID: train the in-project feature "
                + "network, list the registered extractor types.",
        subcommands = {FeaturesCommand.Train.class, FeaturesCommand.Types.class})
final class FeaturesCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "train",
            header = "Train the in-project feature network.",
            mixinStandardHelpOptions = true,
            description = "Train the feature network (type feature-net) on the labels of the config's dataset. Writes "
                    + "<features.dir>/feature-net.params and feature-net.json, prints the test accuracy.",
            footer = {"", "Example:", "  vqlc features train -c configs/fashion-mnist/feature-net.conf"})
    static final class Train implements Callable<Integer> {

        @Mixin
        ConfigOptions config = new ConfigOptions();

        @Option(names = "--force", description = "Replace a network already in features.dir.")
        boolean force;

        @Override
        public Integer call() {
            new FeatureNetTraining(config.load()).run(force, System.out);
            return 0;
        }
    }

    @Command(
            name = "types",
            header = "List the registered feature extractor types.",
            mixinStandardHelpOptions = true,
            description = "List the feature extractor types registered through the SPI (usable as <section>.type).")
    static final class Types implements Callable<Integer> {

        @Override
        public Integer call() {
            for (FeatureExtractorFactory f : FeatureExtractorFactory.discover().all()) {
                System.out.printf(
                        "%-12s %s  (%s)%n",
                        f.type(), f.description(), f.getClass().getName());
            }
            return 0;
        }
    }
}
