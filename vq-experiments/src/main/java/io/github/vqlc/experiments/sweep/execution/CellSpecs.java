package io.github.vqlc.experiments.sweep.execution;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.AtomicFiles;
import io.github.vqlc.core.io.IoErrors;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.sweep.spec.Cell;
import io.github.vqlc.experiments.sweep.spec.SweepSpec;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a cell was asked to run, kept in its directory as {@value #FILE} when it first starts: the
 * base config with the sweep's layer for the cell on top, without the built-in defaults (so a
 * newer vqlc that adds a setting with its default does not count as a change). A sweep started
 * again compares every started cell's file with what the spec asks now and refuses to mix results
 * of two specs in one table; {@code --restart-changed} sets the changed cells' directories aside
 * and starts them afresh. Cells started before this file existed cannot be compared and are
 * resumed as they are.
 */
public final class CellSpecs {

    /** The file in a cell's directory. */
    public static final String FILE = "cell-spec.conf";

    /** Keys named in a refusal, at most, per cell. */
    private static final int KEYS_SHOWN = 3;

    private CellSpecs() {}

    /** A started cell whose requested config differs from what the spec asks now. */
    public record Change(Cell cell, Path dir, List<String> keys) {}

    /** The config the spec asks of {@code cell}, resolved, without the built-in defaults. */
    static Config requested(SweepSpec spec, Cell cell) {
        return CellConfigs.layered(spec, cell).resolve();
    }

    /** Writes the cell's requested config into {@code dir} unless a record is there already. */
    public static void record(Path dir, SweepSpec spec, Cell cell) {
        Path file = dir.resolve(FILE);
        if (Files.exists(file)) {
            return;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserException(
                    "cell " + cell.name() + ": cannot create " + dir + " (" + IoErrors.describe(e) + ")", e);
        }
        String text = "# what the sweep spec asked of this cell when it started (vqlc sweep compares it on resume)\n"
                + requested(spec, cell)
                        .root()
                        .render(ConfigRenderOptions.defaults().setOriginComments(false));
        AtomicFiles.writeString(file, text);
    }

    /** The started cells (those with a record) whose record differs from what the spec asks now. */
    public static List<Change> changed(SweepSpec spec, List<Cell> cells, List<ExperimentConfig> configs) {
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            Path dir = configs.get(i).run().dir();
            Path file = dir.resolve(FILE);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            Config recorded;
            try {
                recorded = ConfigFactory.parseFile(file.toFile()).resolve();
            } catch (RuntimeException e) {
                throw new UserException("cell " + cells.get(i).name() + ": unreadable " + file + " (" + e.getMessage()
                        + "); delete it to resume the cell as it is");
            }
            List<String> keys = differingKeys(recorded, requested(spec, cells.get(i)));
            if (!keys.isEmpty()) {
                changes.add(new Change(cells.get(i), dir, keys));
            }
        }
        return changes;
    }

    /** The one-line refusal naming the changed cells and their first differing keys. */
    public static String refusal(String sweep, List<Change> changes) {
        StringBuilder b = new StringBuilder("sweep " + sweep + ": the spec changed for " + changes.size()
                + (changes.size() == 1 ? " cell" : " cells") + " already started, whose results would mix two"
                + " configurations: ");
        for (int i = 0; i < changes.size(); i++) {
            Change c = changes.get(i);
            List<String> keys = c.keys();
            b.append(i == 0 ? "" : "; ")
                    .append(c.cell().name())
                    .append(" (")
                    .append(String.join(", ", keys.subList(0, Math.min(KEYS_SHOWN, keys.size()))))
                    .append(keys.size() > KEYS_SHOWN ? ", +" + (keys.size() - KEYS_SHOWN) + " more" : "")
                    .append(")");
        }
        return b.append(". Rerun with --restart-changed to set those cells aside and start them afresh, or give"
                        + " the sweep another sweep.dir")
                .toString();
    }

    /**
     * Moves a changed cell's directory aside to {@code <name>.replaced-<time>} (nothing is
     * deleted) so that the cell starts afresh.
     *
     * @return where it went
     */
    public static Path setAside(Change change) {
        Path dir = change.dir();
        if (CellExecution.lockedElsewhere(dir)) {
            throw new UserException("cell " + change.cell().name() + " is being run by another process (" + dir
                    + "/.lock); --restart-changed can set it aside only once that run has stopped");
        }
        Path target = dir.resolveSibling(dir.getFileName() + ".replaced-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        try {
            return Files.move(dir, target);
        } catch (IOException e) {
            throw new UserException(
                    "cell " + change.cell().name() + ": cannot move " + dir + " aside (" + IoErrors.describe(e) + ")",
                    e);
        }
    }

    /** Keys set on one side only or to different values, as "key: old -> new", sorted by key. */
    static List<String> differingKeys(Config recorded, Config requested) {
        Map<String, Object> before = flat(recorded);
        Map<String, Object> now = flat(requested);
        Set<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(now.keySet());
        List<String> out = new ArrayList<>();
        for (String key : keys) {
            Object a = before.get(key);
            Object b = now.get(key);
            if (!Objects.equals(a, b)) {
                out.add(key + ": " + show(a) + " -> " + show(b));
            }
        }
        return out;
    }

    private static Map<String, Object> flat(Config c) {
        Map<String, Object> m = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
            Object v = e.getValue().unwrapped();
            // 0 written as a long and read back as an int is the same setting
            m.put(e.getKey(), v instanceof Number n ? new BigDecimal(n.toString()).stripTrailingZeros() : v);
        }
        return m;
    }

    private static String show(Object v) {
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return v == null ? "unset" : v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
    }
}
