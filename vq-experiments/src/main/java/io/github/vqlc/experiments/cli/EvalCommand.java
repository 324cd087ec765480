package io.github.vqlc.experiments.cli;

import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.experiments.tasks.Evaluation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "eval",
        header = "Re-evaluate the newest checkpoint of a run.",
        mixinStandardHelpOptions = true,
        description = "Re-evaluate the newest checkpoint of a run into its metrics.json (utilization, perplexity, "
                + "dead codes, rFID, PSNR, SSIM, LPIPS, L1) and samples/code-usage.png; settings from the "
                + "run's eval section (see docs/metrics.md), overridable with -o.")
final class EvalCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A run directory written by `vqlc train`.")
    Path runDir;

    @Option(names = "--split", description = "train or test: the split to reconstruct (default: the run's eval.split).")
    String split;

    @Option(names = "--limit", description = "Evaluate only the first N images (0 = all).")
    Integer limit;

    @Option(
            names = {"-o", "--override"},
            paramLabel = "KEY=VALUE",
            description = "Override a key of the run's config.")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() {
        List<String> all = new ArrayList<>(overrides);
        if (split != null) {
            all.add("eval.split=" + split);
        }
        if (limit != null) {
            all.add("eval.limit=" + limit);
        }
        new Evaluation(TrainedRun.config(runDir, all)).run(System.out);
        return 0;
    }
}
