package io.github.vqlc.quantizers.common;

import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.search.NearestCodeSearch;

/** Range-checked reads of a quantizer's config section, naming the key as {@code quantizer.<key>}. */
public final class Sections {

    private Sections() {}

    public static double number(Config section, String key, double min, double max) {
        double v = section.getDouble(key);
        if (!(v >= min && v <= max)) {
            throw new UserException("quantizer." + key + " = " + v + " is out of range: expected a number in [" + min + ", " + max + "]");
        }
        return v;
    }

    public static int integer(Config section, String key, int min, int max) {
        int v = section.getInt(key);
        if (v < min || v > max) {
            throw new UserException("quantizer." + key + " = " + v + " is out of range: expected an integer in [" + min + ", " + max + "]");
        }
        return v;
    }

    /** The shared nearest-code search with the section's memory budget ({@code search-budget-mb}). */
    public static NearestCodeSearch search(Config section) {
        int mb = integer(section, "search-budget-mb", 1, 1 << 20);
        return NearestCodeSearch.builder().optMemoryBudgetBytes(mb * 1024L * 1024L).build();
    }

    public static String oneOf(Config section, String key, String... allowed) {
        String v = section.getString(key);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new UserException("quantizer." + key + " = '" + v + "' is not valid; expected one of: " + String.join(", ", allowed));
    }
}
