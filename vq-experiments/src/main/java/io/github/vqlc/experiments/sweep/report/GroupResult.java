package io.github.vqlc.experiments.sweep.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.JsonLines;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.sweep.spec.Cell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The cells of one group (same value on every axis, different seeds) and what their run
 * directories hold: metrics.json of each finished seed and the resolved config.conf.
 *
 * @param cells the group's cells in sweep order
 * @param metrics metrics.json of the cells that have one
 * @param runConfigs config.conf of the cells that have one
 * @param measuredCells the names of the cells {@code metrics} come from, in the same order
 */
public record GroupResult(
        String group,
        List<Cell.Choice> choices,
        List<Cell> cells,
        List<JsonObject> metrics,
        List<ExperimentConfig> runConfigs,
        List<String> measuredCells) {

    /** Mean and sample standard deviation (NaN below two values) of a metric over seeds. */
    public record Stat(int n, double mean, double std) {}

    /** Reads every cell's directory under {@code sweepDir} and groups cells by their name without the seed. */
    public static List<GroupResult> read(List<Cell> cells, Path sweepDir) {
        Map<String, List<Cell>> groups = new LinkedHashMap<>();
        for (Cell c : cells) {
            groups.computeIfAbsent(c.group(), g -> new ArrayList<>()).add(c);
        }
        List<GroupResult> out = new ArrayList<>();
        for (List<Cell> g : groups.values()) {
            List<JsonObject> metrics = new ArrayList<>();
            List<ExperimentConfig> configs = new ArrayList<>();
            List<String> measured = new ArrayList<>();
            for (Cell c : g) {
                Path dir = sweepDir.resolve(c.name());
                JsonLines.readObject(dir.resolve("metrics.json")).ifPresent(m -> {
                    metrics.add(m);
                    measured.add(c.name());
                });
                if (Files.isRegularFile(dir.resolve("config.conf"))) {
                    try {
                        configs.add(ExperimentConfig.loadWritten(dir.resolve("config.conf"), List.of()));
                    } catch (UserException e) {
                        // an unreadable config only costs the caption its data name
                    }
                }
            }
            out.add(new GroupResult(g.get(0).group(), g.get(0).choices(), List.copyOf(g), metrics, configs, measured));
        }
        return out;
    }

    /** The metric over the seeds that report it as a number; empty when none does. */
    public Optional<Stat> stat(String key) {
        List<Double> values = new ArrayList<>();
        for (JsonObject m : metrics) {
            JsonElement e = m.get(key);
            if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
                values.add(e.getAsDouble());
            }
        }
        if (values.isEmpty()) {
            return Optional.empty();
        }
        double mean = values.stream().mapToDouble(Double::doubleValue).sum() / values.size();
        double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        double std = values.size() < 2 ? Double.NaN : Math.sqrt(ss / (values.size() - 1));
        return Optional.of(new Stat(values.size(), mean, std));
    }

    /** The distinct non-numeric values of a metric over seeds (e.g. fid_extractor), in order. */
    public Set<String> texts(String key) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonObject m : metrics) {
            JsonElement e = m.get(key);
            if (e != null
                    && !e.isJsonNull()
                    && !(e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber())) {
                out.add(e.isJsonPrimitive() ? e.getAsString() : e.toString());
            }
        }
        return out;
    }

    /** The datasets the cells' run configs name. */
    public Set<String> datasets() {
        Set<String> out = new LinkedHashSet<>();
        runConfigs.forEach(c -> out.add(c.data().name()));
        return out;
    }

    /** This group's value on the axis with {@code id}, if the sweep has that axis. */
    public Optional<String> value(String id) {
        return choices.stream()
                .filter(c -> c.axis().id().equals(id))
                .map(Cell.Choice::value)
                .findFirst();
    }
}
