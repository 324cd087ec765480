package io.github.vqlc.experiments.sweep.spec;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.ConfigLoader;
import io.github.vqlc.experiments.sweep.spec.SweepAxis.Bundle;
import io.github.vqlc.experiments.sweep.spec.SweepAxis.BundleAxis;
import io.github.vqlc.experiments.sweep.spec.SweepAxis.KeyAxis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A sweep, read from the {@code sweep} section of a HOCON file (syntax: docs/sweeps.md; defaults
 * and valid keys in vq-experiments' reference.conf, checked by the one config key checker).
 * {@code base}, {@code dir} and {@code downstream.gpt} are relative to the working directory, as
 * every path in a vqlc config. {@link #render()} gives the canonical resolved spec stored as
 * {@code <dir>/sweep.conf}, which loads back into an equal spec (Slurm tasks and {@code vqlc table}
 * read it).
 *
 * @param excludes partial assignments axis id -> value; a product cell matching all entries of one is dropped
 * @param extraCells full assignments axis id -> value ({@code extra-cells}), added after the product
 * @param overrides config overrides applied to every cell, below the axes
 * @param displayNames bundle names or axis labels -> names shown in table.md and the plots
 * @param tableMetrics the metric columns of table.md, in order (names checked by the report)
 * @param downstream the optional GPT + gFID stage after each cell
 */
public record SweepSpec(
        String name,
        Path base,
        Path dir,
        List<Long> seeds,
        List<SweepAxis> axes,
        List<Config> excludes,
        List<Config> extraCells,
        Config overrides,
        Map<String, String> displayNames,
        List<String> tableMetrics,
        SlurmOptions slurm,
        DownstreamOptions downstream) {

    /** The section a sweep file holds; its defaults and valid keys are in vq-experiments' reference.conf. */
    public static final String SECTION = "sweep";

    /** Free-form parts of the section: run-config overrides and display names, checked where they are used. */
    private static final Set<String> OPEN_SECTIONS =
            Set.of("sweep.overrides", "sweep.display-names", "sweep.downstream.overrides");

    private static final String HEADER =
            "# The resolved sweep spec: written by `vqlc sweep` at start, read by its Slurm tasks\n"
                    + "# and by `vqlc table`. Edit the original sweep file instead.\n";

    /**
     * Reads {@code file}; each {@code key=value} of {@code cliOverrides} whose key starts with
     * {@code sweep.} changes the spec, any other is added to {@code sweep.overrides} (every cell).
     * Relative paths ({@code base}, {@code dir}, {@code downstream.gpt}, {@code downstream.sit}) are relative to the working
     * directory, like every path in a vqlc config.
     */
    public static SweepSpec load(Path file, List<String> cliOverrides) {
        if (file == null) {
            throw new UserException("sweep: no sweep file given (-c FILE)");
        }
        if (!Files.isRegularFile(file)) {
            throw new UserException("sweep file not found: " + file);
        }
        if (!ConfigLoader.parseFile(file).hasPath(SECTION)) {
            throw new UserException(file + " has no `sweep { ... }` section");
        }
        Config layer = ConfigFactory.empty();
        for (String o : cliOverrides) {
            Config parsed = ConfigLoader.parseOverride(o);
            layer = (o.strip().startsWith(SECTION + ".")
                            ? parsed
                            : parsed.root().atPath("sweep.overrides"))
                    .withFallback(layer);
        }
        Config c = ConfigLoader.ofClassPath(List.of())
                .forSection(SECTION, OPEN_SECTIONS)
                .load(file, layer, List.of())
                .getConfig(SECTION);
        try {
            return from(c);
        } catch (ConfigException e) {
            throw new UserException("sweep " + file + ": " + e.getMessage(), e);
        }
    }

    private static SweepSpec from(Config c) {
        String name = c.getString("name");
        if (name.isBlank() || !SweepAxis.SAFE.matcher(name).matches()) {
            throw new UserException("sweep.name = '" + name + "' must be set and use only letters, digits and . _ + -");
        }
        String base = c.getString("base");
        if (base.isBlank()) {
            throw new UserException("sweep.base must name the run config every cell starts from");
        }
        List<Long> seeds = c.getLongList("seeds");
        if (seeds.isEmpty() || new HashSet<>(seeds).size() != seeds.size()) {
            throw new UserException("sweep.seeds = " + seeds + " must be a non-empty list of distinct integers");
        }
        List<SweepAxis> axes = axes(c);
        DownstreamOptions downstream = DownstreamOptions.from(c.getConfig("downstream"));
        downstream.check(axes);
        Map<String, String> display = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : c.getConfig("display-names").entrySet()) {
            display.put(
                    e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
        }
        return new SweepSpec(
                name,
                Path.of(base).normalize(),
                Path.of(c.getString("dir")).normalize(),
                List.copyOf(seeds),
                axes,
                assignments(c, "exclude"),
                assignments(c, "extra-cells"),
                c.getConfig("overrides"),
                display,
                List.copyOf(c.getStringList("table-metrics")),
                SlurmOptions.from(c.getConfig("slurm")),
                downstream);
    }

    private static List<SweepAxis> axes(Config c) {
        List<SweepAxis> axes = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        List<? extends Config> list = c.getConfigList("axes");
        for (int i = 0; i < list.size(); i++) {
            Config a = list.get(i);
            String where = "sweep.axes[" + i + "] (" + origin(a.root()) + ")";
            Set<String> keys = a.root().keySet();
            SweepAxis axis;
            if (keys.equals(Set.of("key", "values")) || keys.equals(Set.of("key", "values", "label"))) {
                String key = a.getString("key");
                List<ConfigValue> values = new ArrayList<>(a.getList("values"));
                if (values.isEmpty()) {
                    throw new UserException(where + ": values must not be empty");
                }
                for (ConfigValue v : values) {
                    if (v.valueType() == ConfigValueType.OBJECT || v.unwrapped() == null) {
                        throw new UserException(
                                where + ": values of " + key + " must be numbers, strings, booleans or lists");
                    }
                }
                String label = a.hasPath("label") ? a.getString("label") : lastSegment(key);
                axis = new KeyAxis(key, label, List.copyOf(values));
            } else if (keys.equals(Set.of("name", "bundles"))) {
                List<Bundle> bundles = new ArrayList<>();
                Set<String> names = new HashSet<>();
                for (Config b : a.getConfigList("bundles")) {
                    Set<String> bk = b.root().keySet();
                    if (!bk.containsAll(Set.of("name", "overrides"))
                            || !Set.of("name", "overrides", "replace").containsAll(bk)) {
                        throw new UserException(where + ": each bundle has `name`, `overrides { ... }` and optionally"
                                + " `replace = [sections]`, found "
                                + new TreeSet<>(b.root().keySet()) + " (" + origin(b.root()) + ")");
                    }
                    String bn = b.getString("name");
                    if (!SweepAxis.SAFE.matcher(bn).matches() || !names.add(bn)) {
                        throw new UserException(where + ": bundle name '" + bn
                                + "' is repeated or has characters other than" + " letters, digits and . _ + -");
                    }
                    bundles.add(new Bundle(
                            bn,
                            b.getConfig("overrides"),
                            b.hasPath("replace") ? List.copyOf(b.getStringList("replace")) : List.of()));
                }
                if (bundles.isEmpty()) {
                    throw new UserException(where + ": bundles must not be empty");
                }
                axis = new BundleAxis(a.getString("name"), List.copyOf(bundles));
            } else {
                throw new UserException(
                        where + " has keys " + new TreeSet<>(keys) + "; an axis is either { key = <config key>,"
                                + " values = [...] } or { name = <axis name>, bundles = [ { name = ..., overrides { ... } }, ... ] }");
            }
            if (!ids.add(axis.id())) {
                throw new UserException(where + ": axis " + axis.id() + " appears twice");
            }
            axes.add(axis);
        }
        for (String id : ids) {
            for (String other : ids) {
                if (other.startsWith(id + ".")) {
                    throw new UserException("sweep.axes: axis " + id + " is a prefix of axis " + other
                            + "; exclude and extra-cells entries could not tell them apart");
                }
            }
        }
        return List.copyOf(axes);
    }

    private static List<Config> assignments(Config c, String key) {
        return List.copyOf(c.getConfigList(key));
    }

    /** The canonical resolved spec (paths as given, sections sorted): the text of {@code <dir>/sweep.conf}. */
    public String render() {
        Config c = ConfigFactory.empty()
                .withValue("name", ConfigValueFactory.fromAnyRef(name))
                .withValue("base", ConfigValueFactory.fromAnyRef(base.toString()))
                .withValue("dir", ConfigValueFactory.fromAnyRef(dir.toString()))
                .withValue("seeds", ConfigValueFactory.fromIterable(seeds))
                .withValue(
                        "axes",
                        ConfigValueFactory.fromIterable(
                                axes.stream().map(SweepSpec::renderAxis).toList()))
                .withValue(
                        "exclude",
                        ConfigValueFactory.fromIterable(
                                excludes.stream().map(Config::root).toList()))
                .withValue(
                        "extra-cells",
                        ConfigValueFactory.fromIterable(
                                extraCells.stream().map(Config::root).toList()))
                .withValue("overrides", overrides.root())
                .withValue("display-names", ConfigValueFactory.fromMap(displayNames))
                .withValue("table-metrics", ConfigValueFactory.fromIterable(tableMetrics))
                .withValue("slurm.partition", ConfigValueFactory.fromAnyRef(slurm.partition()))
                .withValue("slurm.gpus-per-task", ConfigValueFactory.fromAnyRef(slurm.gpusPerTask()))
                .withValue("slurm.cpus-per-task", ConfigValueFactory.fromAnyRef(slurm.cpusPerTask()))
                .withValue("slurm.time", ConfigValueFactory.fromAnyRef(slurm.time()))
                .withValue("slurm.mem", ConfigValueFactory.fromAnyRef(slurm.mem()))
                .withValue("slurm.extra-lines", ConfigValueFactory.fromIterable(slurm.extraLines()))
                .withValue("downstream.enabled", ConfigValueFactory.fromAnyRef(downstream.enabled()))
                .withValue(
                        "downstream.kind",
                        ConfigValueFactory.fromAnyRef(downstream.kind().id()))
                .withValue(
                        "downstream.gpt",
                        ConfigValueFactory.fromAnyRef(
                                downstream.gpt() == null ? "" : downstream.gpt().toString()))
                .withValue(
                        "downstream.sit",
                        ConfigValueFactory.fromAnyRef(
                                downstream.sit() == null ? "" : downstream.sit().toString()))
                .withValue("downstream.overrides", downstream.overrides().root())
                .withValue("downstream.count", ConfigValueFactory.fromAnyRef(downstream.count()))
                .withValue(
                        "downstream.only",
                        ConfigValueFactory.fromIterable(
                                downstream.only().stream().map(Config::root).toList()));
        return HEADER
                + c.root()
                        .atKey("sweep")
                        .root()
                        .render(ConfigRenderOptions.defaults()
                                .setOriginComments(false)
                                .setComments(false)
                                .setJson(false));
    }

    private static ConfigValue renderAxis(SweepAxis axis) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (axis instanceof KeyAxis k) {
            m.put("key", k.key());
            m.put("label", k.label());
            m.put("values", ConfigValueFactory.fromIterable(k.values()));
        } else if (axis instanceof BundleAxis b) {
            m.put("name", b.name());
            m.put(
                    "bundles",
                    ConfigValueFactory.fromIterable(b.bundles().stream()
                            .map(x -> ConfigValueFactory.fromMap(Map.of(
                                    "name",
                                    x.name(),
                                    "overrides",
                                    x.overrides().root(),
                                    "replace",
                                    ConfigValueFactory.fromIterable(x.replace()))))
                            .toList()));
        }
        return ConfigValueFactory.fromMap(m);
    }

    static int intAtLeast(Config c, String section, String key, int min) {
        int v = c.getInt(key);
        if (v < min) {
            throw new UserException(section + "." + key + " = " + v + " must be >= " + min);
        }
        return v;
    }

    private static String lastSegment(String key) {
        List<String> parts = ConfigUtil.splitPath(key);
        return parts.get(parts.size() - 1);
    }

    static String origin(ConfigValue v) {
        var o = v.origin();
        if (o.filename() != null) {
            return Path.of(o.filename()).getFileName() + (o.lineNumber() > 0 ? ":" + o.lineNumber() : "");
        }
        return o.description();
    }
}
