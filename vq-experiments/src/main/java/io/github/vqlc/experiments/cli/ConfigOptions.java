package io.github.vqlc.experiments.cli;

import io.github.vqlc.experiments.config.ExperimentConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code -c FILE} and repeatable {@code -o key=value} options shared by commands that read a config. */
public final class ConfigOptions {

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "HOCON config file (e.g. configs/quickstart.conf).")
    Path file;

    @Option(
            names = {"-o", "--override"},
            paramLabel = "KEY=VALUE",
            description = "Override a config key, e.g. -o train.steps=200 (repeatable; wins over the file).")
    List<String> overrides = new ArrayList<>();

    /** The config file with the overrides on top, loaded and validated. */
    public ExperimentConfig load() {
        return ExperimentConfig.load(file, overrides);
    }

    /** Like {@link #load()}, with {@code extra} overrides after the user's. */
    public ExperimentConfig load(String... extra) {
        List<String> all = new ArrayList<>(overrides);
        all.addAll(List.of(extra));
        return ExperimentConfig.load(file, all);
    }
}
