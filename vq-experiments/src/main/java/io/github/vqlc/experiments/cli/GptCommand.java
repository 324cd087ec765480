package io.github.vqlc.experiments.cli;

import io.github.vqlc.experiments.tasks.GptTraining;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "gpt",
        header = "The class-conditional token GPT.",
        mixinStandardHelpOptions = true,
        description = "The class-conditional token GPT (downstream generation).",
        subcommands = {GptCommand.Train.class})
final class GptCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "train",
            header = "Train a GPT on a tokens file.",
            mixinStandardHelpOptions = true,
            description = "Train a GPT on the tokens file of gpt.tokens into run.dir: config.conf, gpt.json, "
                    + "log.jsonl, checkpoints/, samples/gpt-NNNNNN.png (when the tokenizer run is found), "
                    + "metrics.json.",
            footer = {
                "",
                "Example:",
                "  vqlc gpt train -c configs/fashion-mnist/gpt.conf -o gpt.tokens=runs/lc/tokens-train.vqt"
            })
    static final class Train implements Callable<Integer> {
        @Mixin
        ConfigOptions config = new ConfigOptions();

        @Option(names = "--resume", description = "Continue the newest complete checkpoint in run.dir.")
        boolean resume;

        @Override
        public Integer call() {
            new GptTraining(config.load()).run(resume, System.out);
            return 0;
        }
    }
}
