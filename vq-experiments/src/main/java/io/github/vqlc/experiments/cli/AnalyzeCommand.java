package io.github.vqlc.experiments.cli;

import io.github.vqlc.core.data.Split;
import io.github.vqlc.experiments.analysis.Analysis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "analyze",
        header = "Explain a tokenizer's code usage: what limits its utilization.",
        mixinStandardHelpOptions = true,
        description = "Encode a split with the run's newest checkpoint (encoder and quantizer only) and explain which"
                + " codes it uses and why: utilization against the images counted and a Chao1 estimate of the"
                + " reachable codes; the dead codes by k-means cluster size and class block (when the quantizer reads"
                + " a codebook file with a `vqlc codebook` sidecar) and by norm; distances between codes and encoder"
                + " outputs; codes per class. Writes analysis.json, analysis.md (ending with a verdict) and"
                + " analysis-*.png into the run directory. Definitions: docs/analysis.md.",
        footer = {"", "Example:", "  vqlc analyze runs/sweeps/fashion-mnist-table2/vqgan-lc_codebook-size=100000_seed=0"
        })
final class AnalyzeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A run directory written by `vqlc train`.")
    Path runDir;

    @Option(
            names = "--split",
            defaultValue = "train",
            description = "train or test: the split counted (default ${DEFAULT-VALUE}, as the paper counts).")
    String split;

    @Option(names = "--limit", defaultValue = "0", description = "Count only the first N images (0 = all).")
    int limit;

    @Option(
            names = "--latents",
            defaultValue = "" + Analysis.DEFAULT_LATENTS,
            description = "Encoder outputs sampled for the distance measurements (default ${DEFAULT-VALUE}).")
    int latents;

    @Option(
            names = {"-o", "--override"},
            paramLabel = "KEY=VALUE",
            description = "Override a key of the run's config.")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() {
        Split s = SplitOption.parse(this, split);
        if (limit < 0 || latents < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--limit must be >= 0 and --latents >= 1");
        }
        Analysis.run(new Analysis.Request(runDir, s, limit, latents, overrides), System.out);
        return 0;
    }
}
