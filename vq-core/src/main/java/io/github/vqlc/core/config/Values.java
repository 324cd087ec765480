package io.github.vqlc.core.config;

import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import java.util.Arrays;
import java.util.List;

/** Typed reads with range checks; every failure names the key, its value, the allowed range and its origin. */
public final class Values {

    private final Config config;
    private final String prefix;

    /** Reads keys of {@code config}, naming them {@code prefix.key} in messages. */
    public Values(Config config, String prefix) {
        this.config = config;
        this.prefix = prefix.isEmpty() ? "" : prefix + ".";
    }

    public int intAtLeast(String key, int min) {
        int v = config.getInt(key);
        if (v < min) {
            throw outOfRange(key, v, "an integer >= " + min);
        }
        return v;
    }

    public int intIn(String key, int min, int max) {
        int v = config.getInt(key);
        if (v < min || v > max) {
            throw outOfRange(key, v, "an integer in [" + min + ", " + max + "]");
        }
        return v;
    }

    public long longValue(String key) {
        return config.getLong(key);
    }

    public double doubleIn(String key, double min, double max) {
        double v = config.getDouble(key);
        if (!(v >= min && v <= max)) {
            throw outOfRange(key, v, "a number in [" + min + ", " + max + "]");
        }
        return v;
    }

    public double positive(String key) {
        double v = config.getDouble(key);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw outOfRange(key, v, "a finite number > 0");
        }
        return v;
    }

    public boolean bool(String key) {
        return config.getBoolean(key);
    }

    public String string(String key) {
        return config.getString(key);
    }

    /** A string that must be one of {@code allowed}. */
    public String oneOf(String key, String... allowed) {
        String v = config.getString(key);
        if (!Arrays.asList(allowed).contains(v)) {
            throw new UserException(prefix + key + " = '" + v + "' (" + origin(key)
                    + ") is not valid; expected one of: " + String.join(", ", allowed));
        }
        return v;
    }

    public List<Integer> intList(String key, int min) {
        List<Integer> list = config.getIntList(key);
        for (int v : list) {
            if (v < min) {
                throw outOfRange(key, v, "a list of integers >= " + min);
            }
        }
        return List.copyOf(list);
    }

    public UserException outOfRange(String key, Object value, String expected) {
        return new UserException(
                prefix + key + " = " + value + " (" + origin(key) + ") is out of range: expected " + expected);
    }

    private String origin(String key) {
        return ConfigKeyChecker.describe(config.getValue(key).origin());
    }
}
