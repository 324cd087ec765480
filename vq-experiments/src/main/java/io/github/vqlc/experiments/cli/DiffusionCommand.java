package io.github.vqlc.experiments.cli;

import io.github.vqlc.experiments.tasks.DiffusionTraining;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "diffusion",
        header = "The class-conditional diffusion transformer on tokenizer latents.",
        mixinStandardHelpOptions = true,
        description = "The class-conditional diffusion transformer (DiT blocks, SiT's velocity objective) on a "
                + "tokenizer's continuous latents (downstream generation; docs/diffusion.md).",
        subcommands = {DiffusionCommand.Train.class})
final class DiffusionCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "train",
            header = "Train a diffusion model on a latents file.",
            mixinStandardHelpOptions = true,
            description = "Train a diffusion transformer on the latents file of diffusion.latents (from `vqlc "
                    + "latents`) into run.dir: config.conf, diffusion.json, log.jsonl, checkpoints/ (with the "
                    + "weight EMA), samples/diffusion-NNNNNN.png (rows = classes, when the tokenizer run is "
                    + "found), metrics.json. Sample with `vqlc generate RUN_DIR`.",
            footer = {
                "",
                "Example:",
                "  vqlc latents runs/fmnist-lc --split train",
                "  vqlc diffusion train -c configs/fashion-mnist/sit.conf -o diffusion.latents=runs/fmnist-lc/latents-train.npy"
            })
    static final class Train implements Callable<Integer> {
        @Mixin
        ConfigOptions config = new ConfigOptions();

        @Option(names = "--resume", description = "Continue the newest complete checkpoint in run.dir.")
        boolean resume;

        @Override
        public Integer call() {
            new DiffusionTraining(config.load()).run(resume, System.out);
            return 0;
        }
    }
}
