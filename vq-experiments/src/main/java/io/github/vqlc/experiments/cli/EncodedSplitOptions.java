package io.github.vqlc.experiments.cli;

import io.github.vqlc.core.data.Split;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** RUN_DIR, --split and --limit of the commands that encode one split with a tokenizer (tokenize, latents). */
final class EncodedSplitOptions {

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A tokenizer run directory written by `vqlc train`.")
    Path runDir;

    @Option(names = "--split", defaultValue = "train", description = "train or test (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--limit", defaultValue = "0", description = "Only the first N images (0 = all).")
    int limit;

    /** The split, or a usage error of {@code command}. */
    Split split(Object command) {
        return SplitOption.parse(command, split);
    }
}
