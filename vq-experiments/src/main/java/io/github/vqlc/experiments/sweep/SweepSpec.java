package io.github.vqlc.experiments.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.github.vqlc.core.UserException;
import io.github.vqlc.experiments.sweep.SweepAxis.Bundle;
import io.github.vqlc.experiments.sweep.SweepAxis.BundleAxis;
import io.github.vqlc.experiments.sweep.SweepAxis.KeyAxis;
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
 * A sweep, read from the {@code sweep} section of a HOCON file (syntax: docs/sweeps.md).
 * {@code base} resolves against the sweep file's directory, {@code dir} against the working
 * directory; both are absolute here. {@link #render()} gives the canonical resolved spec stored as
 * {@code <dir>/sweep.conf}, which loads back into an equal spec (Slurm tasks and {@code vqlc table}
 * read it).
 *
 * @param excludes partial assignments axis id -> value; a product cell matching all entries of one is dropped
 * @param extraCells full assignments axis id -> value ({@code extra-cells}), added after the product
 * @param overrides config overrides applied to every cell, below the axes
 * @param displayNames bundle names or axis labels -> names shown in table.md and the plots
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
        SlurmOptions slurm,
        DownstreamOptions downstream) {

    /** The defaults and, through them, the valid keys of the sweep section. */
    static final String DEFAULTS = """
            sweep {
              name = ""
              base = ""
              dir = "runs/sweeps/"${sweep.name}
              seeds = [0]
              axes = []
              exclude = []
              # `include` is a HOCON keyword, hence extra-cells
              extra-cells = []
              overrides {}
              display-names {}
              slurm {
                partition = ""
                gpus-per-task = 0
                cpus-per-task = 8
                time = "24:00:00"
                mem = "64G"
                extra-lines = []
              }
              downstream {
                enabled = false
                gpt = ""
                overrides {}
                count = 1000
                only = []
              }
            }
            """;

    private static final Set<String> OPEN_SECTIONS = Set.of("overrides", "display-names");
    /** Sections with their own fixed keys. */
    private static final Set<String> NESTED_SECTIONS = Set.of("slurm", "downstream");

    private static final String HEADER =
            "# The resolved sweep spec: written by `vqlc sweep` at start, read by its Slurm tasks\n"
                    + "# and by `vqlc table`. Edit the original sweep file instead.\n";

    /**
     * Reads {@code file}; each {@code key=value} of {@code cliOverrides} whose key starts with
     * {@code sweep.} changes the spec, any other is added to {@code sweep.overrides} (every cell).
     */
    public static SweepSpec load(Path file, List<String> cliOverrides) {
        if (file == null) {
            throw new UserException("sweep: no sweep file given (-c FILE)");
        }
        if (!Files.isRegularFile(file)) {
            throw new UserException("sweep file not found: " + file);
        }
        try {
            Config user = ConfigFactory.parseFile(
                    file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            for (String o : cliOverrides) {
                Config parsed = parseOverride(o);
                user = (o.strip().startsWith("sweep.") ? parsed : parsed.root().atPath("sweep.overrides"))
                        .withFallback(user);
            }
            checkKeys(user, file);
            Config defaults = ConfigFactory.parseString(DEFAULTS);
            for (String key : user.getConfig("sweep").root().keySet()) {
                if (!NESTED_SECTIONS.contains(
                        key)) { // an unresolved value (a substitution inside a bundle) would not replace its default
                    defaults = defaults.withoutPath("sweep." + com.typesafe.config.ConfigUtil.joinPath(key));
                }
            }
            Config c = user.withFallback(defaults)
                    .resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true))
                    .getConfig("sweep");
            Path dirOfFile = file.toAbsolutePath().getParent();
            return from(c, dirOfFile);
        } catch (ConfigException e) {
            throw new UserException("sweep " + file + ": " + e.getMessage(), e);
        }
    }

    private static SweepSpec from(Config c, Path dirOfFile) {
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
        DownstreamOptions downstream = DownstreamOptions.from(c.getConfig("downstream"), dirOfFile);
        downstream.check(axes);
        Map<String, String> display = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : c.getConfig("display-names").entrySet()) {
            display.put(
                    e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
        }
        return new SweepSpec(
                name,
                dirOfFile.resolve(base).normalize(),
                Path.of(c.getString("dir")).toAbsolutePath().normalize(),
                List.copyOf(seeds),
                axes,
                assignments(c, "exclude"),
                assignments(c, "extra-cells"),
                c.getConfig("overrides"),
                display,
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
                    if (v.valueType() == com.typesafe.config.ConfigValueType.OBJECT || v.unwrapped() == null) {
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

    /** Rejects unknown keys anywhere in the sweep section except inside the free-form sections. */
    private static void checkKeys(Config user, Path file) {
        Config defaults = ConfigFactory.parseString(DEFAULTS);
        for (String top : user.root().keySet()) {
            if (!top.equals("sweep")) {
                throw new UserException("unknown key '" + top + "' in " + file + " ("
                        + origin(user.root().get(top)) + "); a sweep file has only a `sweep { ... }` section");
            }
        }
        if (!user.hasPath("sweep")) {
            throw new UserException(file + " has no `sweep { ... }` section");
        }
        for (Map.Entry<String, ConfigValue> e : user.getConfig("sweep").entrySet()) {
            String path = e.getKey();
            String first = path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
            if (OPEN_SECTIONS.contains(first)
                    || defaults.hasPathOrNull("sweep." + path)
                    || path.startsWith("downstream.overrides.")) {
                continue;
            }
            String valid = defaults.getConfig(NESTED_SECTIONS.contains(first) ? "sweep." + first : "sweep")
                    .root()
                    .keySet()
                    .toString();
            throw new UserException(
                    "unknown key 'sweep." + path + "' (" + origin(e.getValue()) + "); valid keys: " + valid);
        }
    }

    /** The canonical resolved spec (absolute base and dir, sections sorted): the text of {@code <dir>/sweep.conf}. */
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
                .withValue("slurm.partition", ConfigValueFactory.fromAnyRef(slurm.partition()))
                .withValue("slurm.gpus-per-task", ConfigValueFactory.fromAnyRef(slurm.gpusPerTask()))
                .withValue("slurm.cpus-per-task", ConfigValueFactory.fromAnyRef(slurm.cpusPerTask()))
                .withValue("slurm.time", ConfigValueFactory.fromAnyRef(slurm.time()))
                .withValue("slurm.mem", ConfigValueFactory.fromAnyRef(slurm.mem()))
                .withValue("slurm.extra-lines", ConfigValueFactory.fromIterable(slurm.extraLines()))
                .withValue("downstream.enabled", ConfigValueFactory.fromAnyRef(downstream.enabled()))
                .withValue(
                        "downstream.gpt",
                        ConfigValueFactory.fromAnyRef(
                                downstream.gpt() == null ? "" : downstream.gpt().toString()))
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

    static Config parseOverride(String override) {
        if (override.indexOf('=') <= 0) {
            throw new UserException("override '" + override + "' is not of the form key=value");
        }
        try {
            return ConfigFactory.parseString(
                    override, ConfigParseOptions.defaults().setOriginDescription("command line"));
        } catch (ConfigException e) {
            throw new UserException("override '" + override + "': " + e.getMessage(), e);
        }
    }

    static int intAtLeast(Config c, String section, String key, int min) {
        int v = c.getInt(key);
        if (v < min) {
            throw new UserException(section + "." + key + " = " + v + " must be >= " + min);
        }
        return v;
    }

    private static String lastSegment(String key) {
        List<String> parts = com.typesafe.config.ConfigUtil.splitPath(key);
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
