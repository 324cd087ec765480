package io.github.vqlc.experiments.cli;

import io.github.vqlc.core.data.Split;
import java.util.Locale;
import picocli.CommandLine;

/** The {@code --split train|test} option of the commands that read one split of a run's data. */
final class SplitOption {

    private SplitOption() {}

    /** {@code value} as a split; anything else is a usage error of {@code command}. */
    static Split parse(Object command, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "train" -> Split.TRAIN;
            case "test" -> Split.TEST;
            default ->
                throw new CommandLine.ParameterException(
                        new CommandLine(command), "--split must be train or test, got '" + value + "'");
        };
    }
}
