package io.github.vqlc.experiments.sweep.spec;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import io.github.vqlc.core.UserException;
import io.github.vqlc.experiments.sweep.spec.SweepAxis.BundleAxis;
import io.github.vqlc.experiments.sweep.spec.SweepAxis.KeyAxis;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a spec into its cells: the Cartesian product of the axes (first axis slowest), minus
 * the cells matching an {@code exclude} entry, plus the {@code extra-cells} entries, all of that
 * once per seed (seed slowest, so adding a seed appends cells and keeps existing indices).
 * Overrides stack as: base file, {@code sweep.overrides}, the axes in axis order (later wins),
 * then run.seed / run.dir / run.name.
 */
public final class CellExpansion {

    private CellExpansion() {}

    /** A cell before seeds: its value and config layer on every axis. */
    private record Point(List<Cell.Choice> choices, List<Config> layers) {}

    public static List<Cell> expand(SweepSpec spec) {
        List<Point> points = new ArrayList<>();
        product(spec.axes(), 0, new ArrayList<>(), new ArrayList<>(), points);
        points.removeIf(p -> spec.excludes().stream().anyMatch(e -> matches(spec, e, p)));
        for (Config extra : spec.extraCells()) {
            points.add(extraCell(spec, extra));
        }
        List<Cell> cells = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (long seed : spec.seeds()) {
            for (Point p : points) {
                List<String> segments = new ArrayList<>();
                p.choices().forEach(c -> segments.add(c.segment()));
                String group = String.join("_", segments);
                String name = (group.isEmpty() ? "" : group + "_") + "seed=" + seed;
                Integer previous = seen.put(name, cells.size());
                if (previous != null) {
                    throw new UserException("sweep " + spec.name() + ": cells " + previous + " and " + cells.size()
                            + " are both named " + name
                            + " (an extra cell repeating a product cell, or values that differ only"
                            + " in characters not allowed in names)");
                }
                cells.add(new Cell(
                        cells.size(),
                        name,
                        group,
                        seed,
                        List.copyOf(p.choices()),
                        layer(spec, p, name, seed),
                        replaced(p)));
            }
        }
        return List.copyOf(cells);
    }

    private static void product(
            List<SweepAxis> axes, int i, List<Cell.Choice> choices, List<Config> layers, List<Point> out) {
        if (i == axes.size()) {
            out.add(new Point(List.copyOf(choices), List.copyOf(layers)));
            return;
        }
        SweepAxis axis = axes.get(i);
        if (axis instanceof KeyAxis k) {
            for (ConfigValue v : k.values()) {
                choices.add(new Cell.Choice(k, SweepAxis.text(v)));
                layers.add(v.atPath(k.key()));
                product(axes, i + 1, choices, layers, out);
                choices.remove(choices.size() - 1);
                layers.remove(layers.size() - 1);
            }
        } else if (axis instanceof BundleAxis b) {
            for (SweepAxis.Bundle bundle : b.bundles()) {
                choices.add(new Cell.Choice(b, bundle.name()));
                layers.add(bundle.overrides());
                product(axes, i + 1, choices, layers, out);
                choices.remove(choices.size() - 1);
                layers.remove(layers.size() - 1);
            }
        }
    }

    /** True when every entry of the exclude assignment equals the point's value on that axis. */
    private static boolean matches(SweepSpec spec, Config exclude, Point p) {
        Map<String, ConfigValue> entries = assignment(spec, exclude, "exclude", false);
        for (int i = 0; i < spec.axes().size(); i++) {
            SweepAxis axis = spec.axes().get(i);
            ConfigValue wanted = entries.get(axis.id());
            if (wanted == null) {
                continue;
            }
            boolean same = axis instanceof KeyAxis k
                    ? SweepAxis.same(wanted, p.layers().get(i).getValue(k.key()))
                    : String.valueOf(wanted.unwrapped())
                            .equals(p.choices().get(i).value());
            if (!same) {
                return false;
            }
        }
        return true;
    }

    private static Point extraCell(SweepSpec spec, Config extra) {
        Map<String, ConfigValue> entries = assignment(spec, extra, "extra-cells", true);
        List<Cell.Choice> choices = new ArrayList<>();
        List<Config> layers = new ArrayList<>();
        for (SweepAxis axis : spec.axes()) {
            ConfigValue v = entries.get(axis.id());
            if (axis instanceof KeyAxis k) {
                choices.add(new Cell.Choice(k, SweepAxis.text(v)));
                layers.add(v.atPath(k.key()));
            } else if (axis instanceof BundleAxis b) {
                SweepAxis.Bundle bundle = b.bundle(String.valueOf(v.unwrapped()));
                if (bundle == null) {
                    throw new UserException("sweep.extra-cells (" + SweepSpec.origin(extra.root()) + "): axis "
                            + b.name() + " has no bundle '" + v.unwrapped() + "'");
                }
                choices.add(new Cell.Choice(b, bundle.name()));
                layers.add(bundle.overrides());
            }
        }
        return new Point(choices, layers);
    }

    /** The entry's values by axis id; every key must be an axis, and with {@code complete} every axis must appear. */
    private static Map<String, ConfigValue> assignment(SweepSpec spec, Config entry, String what, boolean complete) {
        Map<String, ConfigValue> out = new LinkedHashMap<>();
        for (SweepAxis axis : spec.axes()) {
            if (entry.hasPath(axis.id())) {
                out.put(axis.id(), entry.getValue(axis.id()));
            } else if (complete) {
                throw new UserException("sweep." + what + " entry "
                        + entry.root().render(ConfigRenderOptions.concise()) + " ("
                        + SweepSpec.origin(entry.root())
                        + ") gives no value for axis " + axis.id() + "; an extra cell names a value for every axis");
            }
        }
        for (String path : entry.entrySet().stream().map(Map.Entry::getKey).toList()) {
            boolean known = spec.axes().stream().anyMatch(a -> path.equals(a.id()) || path.startsWith(a.id() + "."));
            if (!known) {
                throw new UserException("sweep." + what + " (" + SweepSpec.origin(entry.root()) + "): '" + path
                        + "' is not an axis; axes: "
                        + spec.axes().stream().map(SweepAxis::id).toList());
            }
        }
        return out;
    }

    private static List<String> replaced(Point p) {
        List<String> out = new ArrayList<>();
        for (Cell.Choice c : p.choices()) {
            if (c.axis() instanceof BundleAxis b) {
                out.addAll(b.bundle(c.value()).replace());
            }
        }
        return List.copyOf(out);
    }

    private static Config layer(SweepSpec spec, Point p, String name, long seed) {
        Config layer = spec.overrides();
        for (Config axisLayer : p.layers()) {
            layer = axisLayer.withFallback(layer);
        }
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("run.seed", seed);
        run.put("run.dir", spec.dir().resolve(name).toString());
        run.put("run.name", name);
        return ConfigFactory.parseMap(run, "sweep " + spec.name() + " cell " + name)
                .withFallback(layer);
    }
}
