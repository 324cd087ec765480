package io.github.vqlc.experiments.sweep.execution;

import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.AtomicFiles;
import io.github.vqlc.core.io.IoErrors;
import io.github.vqlc.experiments.sweep.spec.SweepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The sweep directory: {@code sweep.conf} (the resolved spec), one run directory per cell,
 * {@code slurm/}, and the aggregated results. A spec that changed since the last start replaces
 * sweep.conf, and the previous one is kept as {@code sweep-<time>.conf}.
 */
public final class SweepDirectory {

    /** File name of the resolved spec inside the sweep directory. */
    public static final String SPEC = "sweep.conf";

    private SweepDirectory() {}

    /**
     * Writes {@code spec}'s canonical text to {@code <dir>/sweep.conf} unless it is already there.
     *
     * @return a line telling about a replaced previous spec, or null
     */
    public static String writeSpec(SweepSpec spec) {
        Path file = spec.dir().resolve(SPEC);
        String text = spec.render();
        try {
            String note = null;
            if (Files.isRegularFile(file)) {
                String old = Files.readString(file);
                if (old.equals(text)) {
                    return null;
                }
                Path backup = spec.dir()
                        .resolve("sweep-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                                + ".conf");
                Files.copy(file, backup, StandardCopyOption.REPLACE_EXISTING);
                note = "note: the sweep spec changed since the last start; the previous one is kept as " + backup;
            }
            AtomicFiles.writeString(file, text);
            return note;
        } catch (IOException e) {
            throw new UserException(
                    "cannot write the sweep spec " + file + " (" + IoErrors.describe(e) + "); choose another sweep.dir",
                    e);
        }
    }

    /** The spec and cells of an existing sweep directory (for {@code vqlc table}). */
    public static SweepSpec readSpec(Path sweepDir) {
        Path file = sweepDir.resolve(SPEC);
        if (!Files.isRegularFile(file)) {
            throw new UserException(sweepDir + " is not a sweep directory (no " + SPEC + ")");
        }
        return SweepSpec.load(file, List.of());
    }
}
