package io.github.vqlc.experiments.sweep.report;

import com.google.gson.JsonObject;
import io.github.vqlc.core.UserException;
import io.github.vqlc.experiments.sweep.spec.Cell;
import io.github.vqlc.experiments.sweep.spec.SweepAxis.BundleAxis;
import io.github.vqlc.experiments.sweep.spec.SweepAxis.KeyAxis;
import io.github.vqlc.experiments.sweep.spec.SweepSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.DoubleUnaryOperator;

/**
 * {@code table.md} in the layout of the paper's Table 2: Method | # Tokens | Codebook Size |
 * Utilization (%) | rFID | LPIPS | PSNR | SSIM (the default {@code sweep.table-metrics}), one row
 * per group. Method is the display name of
 * the group's bundle(s) (the quantizer type when the sweep has no bundle axis); each key axis
 * other than the codebook size adds a column after Method. Utilization and SSIM are shown x100
 * like the paper; several seeds give "mean ± std"; a metric no cell reports is "–"; gFID columns (GPT,
 * SiT) follow when cells report them (the downstream stages). A caption
 * says what produced the figures; the notes give every finished cell's wall time.
 */
public final class ResultsTable {

    /** The key of the codebook-size axis, shown in its own column. */
    public static final String CODEBOOK_KEY = "quantizer.codebook-size";

    static final String MISSING = "–";

    private record Metric(String header, String key, DoubleUnaryOperator scale, int decimals) {}

    /** Every column {@code sweep.table-metrics} may name, by metrics.json key. */
    private static final Map<String, Metric> METRICS = catalogue(
            new Metric("Utilization (%)", "utilization", v -> 100 * v, 1),
            new Metric("Perplexity", "perplexity", v -> v, 1),
            new Metric("Utilization, last epoch (%)", "utilization_last_epoch", v -> 100 * v, 1),
            new Metric("Utilization, last 65,536 tokens (%)", "utilization_window", v -> 100 * v, 1),
            new Metric("rFID", "rfid", v -> v, 2),
            new Metric("LPIPS", "lpips", v -> v, 2),
            new Metric("PSNR", "psnr", v -> v, 1),
            new Metric("SSIM", "ssim", v -> 100 * v, 1),
            new Metric("gFID", "gfid", v -> v, 2),
            new Metric("gFID (SiT)", "sit_gfid", v -> v, 2));
    /** The downstream columns (GPT, SiT), each shown when a cell reports it (a sweep with that downstream stage). */
    private static final List<Metric> DOWNSTREAM = List.of(METRICS.get("gfid"), METRICS.get("sit_gfid"));

    private static Map<String, Metric> catalogue(Metric... metrics) {
        Map<String, Metric> byKey = new LinkedHashMap<>();
        for (Metric m : metrics) {
            byKey.put(m.key(), m);
        }
        return Collections.unmodifiableMap(byKey);
    }

    /** A one-line user error when {@code sweep.table-metrics} names a metric the table cannot show. */
    public static void checkMetrics(List<String> names) {
        for (String n : names) {
            if (!METRICS.containsKey(n)) {
                throw new UserException("sweep.table-metrics: unknown metric '" + n + "'; known: "
                        + String.join(", ", METRICS.keySet()));
            }
        }
    }

    private ResultsTable() {}

    public static String render(SweepSpec spec, List<GroupResult> groups) {
        checkMetrics(spec.tableMetrics());
        List<Metric> metrics =
                new ArrayList<>(spec.tableMetrics().stream().map(METRICS::get).toList());
        for (Metric m : DOWNSTREAM) {
            if (!metrics.contains(m)
                    && groups.stream().anyMatch(g -> g.stat(m.key()).isPresent())) {
                metrics.add(m);
            }
        }
        List<KeyAxis> extra = extraAxes(spec);
        List<String> header = new ArrayList<>(List.of("Method"));
        extra.forEach(a -> header.add(display(spec, a.label())));
        header.addAll(List.of("# Tokens", "Codebook Size"));
        metrics.forEach(m -> header.add(m.header()));
        StringBuilder out = new StringBuilder("# " + spec.name() + "\n\n");
        out.append(row(header));
        out.append(row(header.stream().map(h -> "---").toList()));
        for (GroupResult g : groups) {
            List<String> cells = new ArrayList<>(List.of(method(spec, g)));
            extra.forEach(a -> cells.add(display(spec, g.value(a.id()).orElse(MISSING))));
            cells.add(g.stat("tokens")
                    .map(s -> String.format(Locale.US, "%,d", Math.round(s.mean())))
                    .orElse(MISSING));
            cells.add(
                    codebookSize(g).map(k -> String.format(Locale.US, "%,d", k)).orElse(MISSING));
            for (Metric m : metrics) {
                cells.add(g.stat(m.key()).map(s -> format(s, m)).orElse(MISSING));
            }
            out.append(row(cells));
        }
        out.append("\n").append(caption(spec, groups, metrics)).append("\n");
        out.append(wallTimes(groups));
        return out.toString();
    }

    /** The row label of a group without its codebook size (a series of the plots). */
    static String series(SweepSpec spec, GroupResult g) {
        List<String> parts = new ArrayList<>(List.of(method(spec, g)));
        for (KeyAxis a : extraAxes(spec)) {
            parts.add(display(spec, a.label()) + "="
                    + display(spec, g.value(a.id()).orElse(MISSING)));
        }
        return String.join(", ", parts);
    }

    /** The group's codebook size: from its metrics, else from the codebook-size axis. */
    static Optional<Long> codebookSize(GroupResult g) {
        Optional<Long> measured = g.stat("codebook_size").map(s -> Math.round(s.mean()));
        if (measured.isPresent()) {
            return measured;
        }
        return g.value(CODEBOOK_KEY).map(v -> {
            try {
                return new BigDecimal(v).longValueExact();
            } catch (ArithmeticException | NumberFormatException e) {
                return null;
            }
        });
    }

    private static List<KeyAxis> extraAxes(SweepSpec spec) {
        return spec.axes().stream()
                .filter(a -> a instanceof KeyAxis k && !k.key().equals(CODEBOOK_KEY))
                .map(a -> (KeyAxis) a)
                .toList();
    }

    private static String method(SweepSpec spec, GroupResult g) {
        List<String> names = new ArrayList<>();
        for (Cell.Choice c : g.choices()) {
            if (c.axis() instanceof BundleAxis) {
                names.add(display(spec, c.value()));
            }
        }
        if (names.isEmpty()) {
            Set<String> types = g.texts("quantizer");
            names.add(types.isEmpty() ? MISSING : display(spec, String.join("/", types)));
        }
        return String.join(" ", names);
    }

    private static String display(SweepSpec spec, String name) {
        return spec.displayNames().getOrDefault(name, name);
    }

    private static String format(GroupResult.Stat s, Metric m) {
        String fmt = "%." + m.decimals() + "f";
        String mean = String.format(Locale.ROOT, fmt, m.scale().applyAsDouble(s.mean()));
        if (Double.isNaN(s.std())) {
            return mean;
        }
        return mean + " ± " + String.format(Locale.ROOT, fmt, Math.abs(m.scale().applyAsDouble(s.std())));
    }

    /** One line: sweep, finished cells, data, evaluation split and size, steps, rFID features, units. */
    static String caption(SweepSpec spec, List<GroupResult> groups, List<Metric> shown) {
        int cells = groups.stream().mapToInt(g -> g.cells().size()).sum();
        int finished = groups.stream().mapToInt(g -> g.metrics().size()).sum();
        Set<String> data = new LinkedHashSet<>();
        Set<String> split = new LinkedHashSet<>();
        Set<Long> images = new TreeSet<>();
        Set<Long> steps = new TreeSet<>();
        Set<String> extractor = new LinkedHashSet<>();
        Set<Integer> seeds = new TreeSet<>();
        for (GroupResult g : groups) {
            data.addAll(g.datasets());
            split.addAll(g.texts("eval_split"));
            extractor.addAll(g.texts("fid_extractor"));
            for (var m : g.metrics()) {
                longValue(m, "eval_images").ifPresent(images::add);
                longValue(m, "steps").ifPresent(steps::add);
            }
            if (!g.metrics().isEmpty()) {
                seeds.add(g.metrics().size());
            }
        }
        String seedText = seeds.isEmpty() || seeds.equals(Set.of(1))
                ? "one seed per row"
                : "mean ± std over " + join(seeds.stream().map(String::valueOf).toList()) + " seeds";
        return "Produced by `vqlc sweep` (" + spec.name() + ", " + finished + " of " + cells + " cells finished): data "
                + joinOrMissing(data) + ", metrics on the " + joinOrMissing(split) + " split ("
                + joinOrMissing(images.stream()
                        .map(v -> String.format(Locale.US, "%,d", v))
                        .toList()) + " images), "
                + joinOrMissing(steps.stream()
                        .map(v -> String.format(Locale.US, "%,d", v))
                        .toList())
                + " training steps, rFID features " + joinOrMissing(extractor) + "; " + percentText(shown)
                + seedText + "; " + MISSING + " = not measured.";
    }

    /**
     * The notes' wall time of every finished cell (training and evaluation as its metrics.json
     * reports them, in minutes), or "" when no cell reports one.
     */
    static String wallTimes(List<GroupResult> groups) {
        StringBuilder rows = new StringBuilder();
        for (GroupResult g : groups) {
            for (int i = 0; i < g.metrics().size(); i++) {
                JsonObject m = g.metrics().get(i);
                Optional<Double> train = number(m, "train_seconds");
                Optional<Double> eval = number(m, "eval_seconds");
                if (train.isEmpty() && eval.isEmpty()) {
                    continue;
                }
                rows.append(row(List.of(
                        g.measuredCells().get(i),
                        train.map(ResultsTable::minutes).orElse(MISSING),
                        eval.map(ResultsTable::minutes).orElse(MISSING))));
            }
        }
        if (rows.length() == 0) {
            return "";
        }
        return "\nWall time per cell (minutes, as run: cells that shared the machine with others took longer):\n\n"
                + row(List.of("Cell", "Training", "Evaluation")) + row(List.of("---", "---", "---")) + rows;
    }

    private static String minutes(double seconds) {
        return String.format(Locale.ROOT, "%.1f", seconds / 60);
    }

    private static Optional<Double> number(JsonObject m, String key) {
        var e = m.get(key);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()
                ? Optional.of(e.getAsDouble())
                : Optional.empty();
    }

    /** "utilization and SSIM x100; " for the columns shown x100, or "" when there are none. */
    private static String percentText(List<Metric> shown) {
        List<String> scaled = new ArrayList<>();
        if (shown.stream().anyMatch(m -> m.key().startsWith("utilization"))) {
            scaled.add("utilization");
        }
        if (shown.stream().anyMatch(m -> m.key().equals("ssim"))) {
            scaled.add("SSIM");
        }
        return scaled.isEmpty() ? "" : String.join(" and ", scaled) + " x100; ";
    }

    private static Optional<Long> longValue(JsonObject m, String key) {
        var e = m.get(key);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()
                ? Optional.of(e.getAsLong())
                : Optional.empty();
    }

    private static String joinOrMissing(Collection<String> values) {
        return values.isEmpty() ? MISSING : join(new ArrayList<>(values));
    }

    private static String join(List<String> values) {
        return String.join("/", values);
    }

    private static String row(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }
}
