package io.github.vqlc.experiments.cli;

import io.github.vqlc.experiments.tasks.Training;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "train",
        header = "Train a tokenizer from a config, then evaluate it.",
        mixinStandardHelpOptions = true,
        description = "Train a tokenizer from a config, then evaluate it into <run.dir>/metrics.json. Writes "
                + "config.conf, log.jsonl, checkpoints/, samples/ (reconstruction grids, code-usage.png). An "
                + "existing run directory is never overwritten: use --resume to continue it.",
        footer = {"", "Example:", "  vqlc train -c configs/quickstart.conf -o run.dir=/tmp/run -o train.steps=200"})
final class TrainCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--resume", description = "Continue the newest complete checkpoint in run.dir.")
    boolean resume;

    @Override
    public Integer call() {
        new Training(config.load()).run(resume, System.out);
        return 0;
    }
}
