package io.github.vqlc.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import io.github.vqlc.core.UserException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

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
        int v = read(key, config::getInt);
        if (v < min) {
            throw outOfRange(key, v, "an integer >= " + min);
        }
        return v;
    }

    public int intIn(String key, int min, int max) {
        int v = read(key, config::getInt);
        if (v < min || v > max) {
            throw outOfRange(key, v, "an integer in [" + min + ", " + max + "]");
        }
        return v;
    }

    public long longValue(String key) {
        return read(key, config::getLong);
    }

    public double doubleIn(String key, double min, double max) {
        double v = read(key, config::getDouble);
        if (!(v >= min && v <= max)) {
            throw outOfRange(key, v, "a number in [" + min + ", " + max + "]");
        }
        return v;
    }

    public double positive(String key) {
        double v = read(key, config::getDouble);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw outOfRange(key, v, "a finite number > 0");
        }
        return v;
    }

    public boolean bool(String key) {
        return read(key, config::getBoolean);
    }

    public String string(String key) {
        return read(key, config::getString);
    }

    /**
     * A path as written, or null when the value is blank. A relative path is relative to the
     * working directory of the process, whether it comes from a config file or from an override:
     * the one rule for every path in a vqlc config (not the config file's directory).
     */
    public Path optionalPath(String key) {
        String v = read(key, config::getString);
        return v.isBlank() ? null : Path.of(v);
    }

    /** As {@link #optionalPath} but a blank value is an error naming the key. */
    public Path path(String key) {
        Path p = optionalPath(key);
        if (p == null) {
            throw outOfRange(key, "\"\"", "a path");
        }
        return p;
    }

    /** A string that must be one of {@code allowed}. */
    public String oneOf(String key, String... allowed) {
        String v = read(key, config::getString);
        if (!Arrays.asList(allowed).contains(v)) {
            throw new UserException(prefix + key + " = '" + v + "' (" + origin(key)
                    + ") is not valid; expected one of: " + String.join(", ", allowed));
        }
        return v;
    }

    public List<Integer> intList(String key, int min) {
        List<Integer> list = read(key, config::getIntList);
        for (int v : list) {
            if (v < min) {
                throw outOfRange(key, v, "a list of integers >= " + min);
            }
        }
        return List.copyOf(list);
    }

    /** A list of strings, or one string as a list of one (e.g. {@code devices = auto}). */
    public List<String> stringOrList(String key) {
        if (config.hasPath(key) && config.getValue(key).valueType() == ConfigValueType.STRING) {
            return List.of(config.getString(key));
        }
        return List.copyOf(read(key, config::getStringList));
    }

    /** A typed read; a value of the wrong type (or a missing one) is a user error naming the key and its origin. */
    private <T> T read(String key, Function<String, T> getter) {
        try {
            return getter.apply(key);
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw new UserException(prefix + key + " (" + origin(key) + "): " + e.getMessage(), e);
        } catch (ConfigException.Missing e) {
            throw new UserException(prefix + key + " is not set: " + e.getMessage(), e);
        }
    }

    public UserException outOfRange(String key, Object value, String expected) {
        return new UserException(
                prefix + key + " = " + value + " (" + origin(key) + ") is out of range: expected " + expected);
    }

    private String origin(String key) {
        return ConfigKeyChecker.describe(config.getValue(key).origin());
    }
}
