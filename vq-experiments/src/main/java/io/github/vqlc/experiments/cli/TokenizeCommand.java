package io.github.vqlc.experiments.cli;

import io.github.vqlc.core.data.Split;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.experiments.tasks.Tokenization;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "tokenize",
        header = "Encode a split into a tokens file for the GPT.",
        mixinStandardHelpOptions = true,
        description = "Encode a split with a trained tokenizer (encoder + quantizer only) into a tokens file "
                + "(.vqt: header, int16/int32 codes, labels; see docs/gpt.md) for `vqlc gpt train`, or with "
                + "--format npy into tokens-<split>.npy (int64 (N, H, W); (N, H, W G) for a quantizer with G codes per position) and labels-<split>.npy (int64 (N)) that "
                + "numpy.load reads (docs/interop.md).",
        footer = {
            "",
            "Examples:",
            "  vqlc tokenize runs/lc --split train                 # writes runs/lc/tokens-train.vqt",
            "  vqlc tokenize runs/lc --split test --format npy     # runs/lc/tokens-test.npy, labels-test.npy"
        })
final class TokenizeCommand implements Callable<Integer> {

    @Mixin
    EncodedSplitOptions options;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Output file (default <RUN_DIR>/tokens-<split>.vqt or .npy; the labels go beside a .npy).")
    Path out;

    @Option(names = "--format", defaultValue = "vqt", description = "vqt or npy (default ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() {
        Split s = options.split(this);
        Tokenization.Format f = switch (format) {
            case "vqt" -> Tokenization.Format.VQT;
            case "npy" -> Tokenization.Format.NPY;
            default ->
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--format " + format + " is not one of vqt, npy");
        };
        try (TrainedRun run = TrainedRun.open(options.runDir, List.of())) {
            Tokenization.run(
                    run,
                    s,
                    options.limit,
                    out != null ? out : Tokenization.defaultOutput(options.runDir, s, f),
                    f,
                    System.out);
        }
        return 0;
    }
}
