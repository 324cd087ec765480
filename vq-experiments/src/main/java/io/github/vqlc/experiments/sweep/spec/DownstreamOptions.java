package io.github.vqlc.experiments.sweep.spec;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import io.github.vqlc.core.UserException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code sweep.downstream} section: after a cell's tokenizer is trained and evaluated, a
 * generative model on its training split and the generation FID of {@code count} images per class
 * in the cell's metrics.json. {@code kind = gpt}: tokenize, train the token GPT of the {@code gpt}
 * config; {@code kind = sit}: write the latents, train the diffusion transformer of the {@code sit}
 * config. Both kinds can run on one sweep, one after the other (each has its own directory and
 * marker).
 *
 * @param gpt the GPT config file (relative to the working directory), null when not set
 * @param sit the diffusion config file, null when not set
 * @param overrides config overrides of the kind's model for every cell
 * @param only partial assignments axis id -> value; empty = every cell, else the cells matching one
 */
public record DownstreamOptions(
        boolean enabled, Kind kind, Path gpt, Path sit, Config overrides, int count, List<Config> only) {

    /** The downstream model: the token GPT or the latent diffusion transformer. */
    public enum Kind {
        GPT("gpt", "tokens", "", "downstream-done"),
        SIT("diffusion", "latents", "sit_", "downstream-sit-done");

        private final String section;
        private final String dataKey;
        private final String metricPrefix;
        private final String marker;

        Kind(String section, String dataKey, String metricPrefix, String marker) {
            this.section = section;
            this.dataKey = dataKey;
            this.metricPrefix = metricPrefix;
            this.marker = marker;
        }

        /** Its name in configs, directories and metrics: "gpt" or "sit". */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The model's config section: "gpt" or "diffusion". */
        public String section() {
            return section;
        }

        /** The key of the model's training file in its section: "tokens" or "latents". */
        public String dataKey() {
            return dataKey;
        }

        /** Prefix of the kind's gFID and sampling metrics in the cell's metrics.json. */
        public String metricPrefix() {
            return metricPrefix;
        }

        /** The file in the cell that says the kind's stage finished. */
        public String marker() {
            return marker;
        }
    }

    static DownstreamOptions from(Config c) {
        boolean enabled = c.getBoolean("enabled");
        String kindName = c.getString("kind");
        Kind kind = switch (kindName) {
            case "gpt" -> Kind.GPT;
            case "sit" -> Kind.SIT;
            default ->
                throw new UserException(
                        "sweep.downstream.kind = '" + kindName + "' is not valid; expected one of: gpt, sit");
        };
        String gpt = c.getString("gpt");
        String sit = c.getString("sit");
        String file = kind == Kind.GPT ? gpt : sit;
        if (enabled && file.isBlank()) {
            throw new UserException("sweep.downstream.enabled = true with kind = " + kind.id()
                    + " needs sweep.downstream." + kind.id()
                    + ", the model's config file (e.g. \"configs/fashion-mnist/"
                    + kind.id() + ".conf\")");
        }
        int count = SweepSpec.intAtLeast(c, "sweep.downstream", "count", 1);
        return new DownstreamOptions(
                enabled,
                kind,
                gpt.isBlank() ? null : Path.of(gpt).normalize(),
                sit.isBlank() ? null : Path.of(sit).normalize(),
                c.getConfig("overrides"),
                count,
                List.copyOf(c.getConfigList("only")));
    }

    /** The config file of the configured kind's model. */
    public Path modelConfig() {
        return kind == Kind.GPT ? gpt : sit;
    }

    /** Whether the downstream stage runs for {@code cell}. */
    public boolean appliesTo(Cell cell) {
        if (!enabled) {
            return false;
        }
        return only.isEmpty() || only.stream().anyMatch(o -> matches(o, cell));
    }

    /** Every entry of the assignment equals the cell's value on that axis (numbers and lists as the user means them). */
    private static boolean matches(Config assignment, Cell cell) {
        for (Map.Entry<String, ConfigValue> e : assignment.entrySet()) {
            Cell.Choice choice = cell.choices().stream()
                    .filter(ch -> ch.axis().id().equals(e.getKey()))
                    .findFirst()
                    .orElse(null);
            if (choice == null) {
                return false;
            }
            boolean same = choice.axis() instanceof SweepAxis.KeyAxis k
                    ? cell.layer().hasPath(k.key())
                            && SweepAxis.same(e.getValue(), cell.layer().getValue(k.key()))
                    : String.valueOf(e.getValue().unwrapped()).equals(choice.value());
            if (!same) {
                return false;
            }
        }
        return true;
    }

    /** Fails when an enabled {@code only} entry selects none of {@code cells} (a mistyped value or bundle name). */
    public void checkMatches(List<Cell> cells) {
        if (!enabled) {
            return;
        }
        for (Config o : only) {
            if (cells.stream().noneMatch(c -> matches(o, c))) {
                throw new UserException("sweep.downstream.only entry "
                        + o.root().render(ConfigRenderOptions.concise())
                        + " matches no cell of the sweep");
            }
        }
    }

    /** Fails when an {@code only} entry names an axis the sweep does not have. */
    void check(List<SweepAxis> axes) {
        for (Config o : only) {
            for (String key : o.entrySet().stream().map(Map.Entry::getKey).toList()) {
                if (axes.stream().noneMatch(a -> a.id().equals(key))) {
                    throw new UserException(
                            "sweep.downstream.only names axis '" + key + "', which the sweep does not have;" + " axes: "
                                    + axes.stream().map(SweepAxis::id).toList());
                }
            }
        }
    }
}
