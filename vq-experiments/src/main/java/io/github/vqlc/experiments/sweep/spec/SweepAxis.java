package io.github.vqlc.experiments.sweep.spec;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One dimension of a sweep. A {@link KeyAxis} sets one config key to each of its values; a
 * {@link BundleAxis} applies one of its named bundles of overrides. Both contribute one segment
 * to a cell's name ({@code label=value} or the bundle name) and one column to the results.
 */
public sealed interface SweepAxis {

    /** Characters allowed in cell names (they are directory names); others become '-'. */
    Pattern SAFE = Pattern.compile("[A-Za-z0-9._+-]+");

    /** What identifies the axis in exclude and extra-cells entries and results.csv: the key, or the bundle axis's name. */
    String id();

    /** A config key and its values, e.g. {@code quantizer.codebook-size = [1024, 16384]}. */
    record KeyAxis(String key, String label, List<ConfigValue> values) implements SweepAxis {
        @Override
        public String id() {
            return key;
        }
    }

    /** Named bundles of overrides, e.g. {@code method}: vqgan, vqgan-fc, ... */
    record BundleAxis(String name, List<Bundle> bundles) implements SweepAxis {
        @Override
        public String id() {
            return name;
        }

        Bundle bundle(String bundleName) {
            return bundles.stream()
                    .filter(b -> b.name().equals(bundleName))
                    .findFirst()
                    .orElse(null);
        }
    }

    /**
     * One value of a bundle axis: a name, the config overrides it applies, and the sections of the
     * base config it replaces instead of merging into (e.g. {@code quantizer} when a bundle
     * switches the quantizer type of a base whose quantizer has type-specific keys).
     */
    record Bundle(String name, Config overrides, List<String> replace) {}

    /** The value as it appears in cell names and tables: 1024, vq, true, 1-2-2 for [1, 2, 2]. */
    static String text(ConfigValue v) {
        return switch (v.valueType()) {
            case LIST -> ((List<?>) v).stream().map(e -> text((ConfigValue) e)).collect(Collectors.joining("-"));
            case NUMBER -> number(v).toPlainString();
            default -> String.valueOf(v.unwrapped());
        };
    }

    /** Equality of values as a user means it: 1e5 equals 100000, "vq" equals vq. */
    static boolean same(ConfigValue a, ConfigValue b) {
        if (a.valueType() == ConfigValueType.NUMBER && b.valueType() == ConfigValueType.NUMBER) {
            return number(a).compareTo(number(b)) == 0;
        }
        if (a.valueType() == ConfigValueType.LIST && b.valueType() == ConfigValueType.LIST) {
            List<?> x = (List<?>) a;
            List<?> y = (List<?>) b;
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!same((ConfigValue) x.get(i), (ConfigValue) y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.valueType() == b.valueType() && a.unwrapped().equals(b.unwrapped());
    }

    private static BigDecimal number(ConfigValue v) {
        return new BigDecimal(v.unwrapped().toString()).stripTrailingZeros();
    }

    /** {@code s} with every run of unsafe characters replaced by '-'. */
    static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._+-]+", "-");
    }
}
