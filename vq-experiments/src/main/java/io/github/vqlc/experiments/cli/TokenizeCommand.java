package io.github.vqlc.experiments.cli;

import io.github.vqlc.core.data.Split;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.experiments.tasks.Tokenization;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A tokenizer run directory written by `vqlc train`.")
    Path runDir;

    @Option(names = "--split", defaultValue = "train", description = "train or test (default ${DEFAULT-VALUE}).")
    String split;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Output file (default <RUN_DIR>/tokens-<split>.vqt or .npy; the labels go beside a .npy).")
    Path out;

    @Option(names = "--format", defaultValue = "vqt", description = "vqt or npy (default ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--limit", defaultValue = "0", description = "Only the first N images (0 = all).")
    int limit;

    @Override
    public Integer call() {
        Split s = SplitOption.parse(this, split);
        Tokenization.Format f = switch (format) {
            case "vqt" -> Tokenization.Format.VQT;
            case "npy" -> Tokenization.Format.NPY;
            default ->
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--format " + format + " is not one of vqt, npy");
        };
        try (TrainedRun run = TrainedRun.open(runDir, List.of())) {
            Tokenization.run(
                    run, s, limit, out != null ? out : Tokenization.defaultOutput(runDir, s, f), f, System.out);
        }
        return 0;
    }
}
