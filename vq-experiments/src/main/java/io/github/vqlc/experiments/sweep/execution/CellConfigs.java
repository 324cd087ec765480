package io.github.vqlc.experiments.sweep.execution;

import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.ConfigLoader;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.sweep.spec.Cell;
import io.github.vqlc.experiments.sweep.spec.SweepSpec;
import java.util.ArrayList;
import java.util.List;

/** Every cell's full run configuration, loaded and validated before anything runs. */
public final class CellConfigs {

    private CellConfigs() {}

    /** The configs of {@code cells}, in order; the first invalid one throws, naming the cell. */
    public static List<ExperimentConfig> load(SweepSpec spec, List<Cell> cells) {
        spec.downstream().checkMatches(cells);
        List<ExperimentConfig> configs = new ArrayList<>(cells.size());
        for (Cell cell : cells) {
            configs.add(load(spec, cell));
        }
        return configs;
    }

    /**
     * What the spec asks of the cell, unresolved: the base file without the bundle's replaced
     * paths, the cell's layer on top (no built-in defaults yet).
     */
    static Config layered(SweepSpec spec, Cell cell) {
        Config base = ConfigLoader.parseFile(spec.base());
        for (String path : cell.replaced()) {
            base = base.withoutPath(path);
        }
        return cell.layer().withFallback(base);
    }

    /** The cell's run config; its downstream model config is loaded too (and dropped) so a bad one fails now. */
    public static ExperimentConfig load(SweepSpec spec, Cell cell) {
        try {
            ExperimentConfig config = ExperimentConfig.load(null, layered(spec, cell), List.of());
            if (spec.downstream().appliesTo(cell)) {
                try {
                    DownstreamStage.check(spec.downstream(), cell, config);
                } catch (UserException e) {
                    throw new UserException(
                            "sweep.downstream (" + spec.downstream().modelConfig() + "): " + e.getMessage(), e);
                }
            }
            return config;
        } catch (UserException e) {
            throw new UserException(
                    "sweep " + spec.name() + ", cell " + cell.index() + " " + cell.name() + ": " + e.getMessage(), e);
        }
    }
}
