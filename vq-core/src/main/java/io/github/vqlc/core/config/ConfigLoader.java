package io.github.vqlc.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import io.github.vqlc.core.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a configuration once: the {@code reference.conf} of every module on the class path,
 * overridden by the user's file, by a further layer (e.g. a sweep cell's overrides), and by
 * command-line {@code key=value} pairs (the last one wins). Substitutions resolve after merging, so
 * a default such as {@code dir = "runs/"${run.name}} follows the user's {@code run.name}. The
 * user's keys are then checked ({@link ConfigKeyChecker}): an unknown key or type is a one-line
 * {@link UserException} naming it, where it came from and what is valid.
 *
 * <p>Relative paths are not resolved here: every relative path in a config file or an override
 * means a path relative to the working directory of the process (see {@link Values#path}).
 */
public final class ConfigLoader {

    /** Origin description given to command-line overrides, shown in error messages. */
    public static final String COMMAND_LINE = "command line";

    private final Config reference;
    private final List<TypedSection> typedSections;
    private final Set<String> openSections;
    private final boolean allowUnresolved;

    private ConfigLoader(
            Config reference, List<TypedSection> typedSections, Set<String> openSections, boolean allowUnresolved) {
        this.reference = reference;
        this.typedSections = List.copyOf(typedSections);
        this.openSections = Set.copyOf(openSections);
        this.allowUnresolved = allowUnresolved;
    }

    /** A loader over the class path's reference.conf files, with these typed sections. */
    public static ConfigLoader ofClassPath(List<TypedSection> typedSections) {
        return new ConfigLoader(ConfigFactory.defaultReferenceUnresolved(), typedSections, Set.of(), false);
    }

    /** A loader over {@code reference} (unresolved), for tests and for parts of the reference. */
    public static ConfigLoader of(Config reference, List<TypedSection> typedSections) {
        return new ConfigLoader(reference, typedSections, Set.of(), false);
    }

    /**
     * This loader for a file of its own (such as a sweep spec): only the {@code section} part of
     * the reference, keys below {@code openSections} unchecked, and substitutions that cannot be
     * resolved yet (they refer to the run configs the file produces) left in place.
     */
    public ConfigLoader forSection(String section, Set<String> openSections) {
        return new ConfigLoader(reference.withOnlyPath(section), List.of(), openSections, true);
    }

    /** The top-level sections of the reference: every key a config may set lies below one of them. */
    public Set<String> sections() {
        return Set.copyOf(reference.root().keySet());
    }

    /** This loader without {@code section} of the reference: its keys become unknown keys. */
    public ConfigLoader without(String section) {
        return new ConfigLoader(reference.withoutPath(section), typedSections, openSections, allowUnresolved);
    }

    /** Loads {@code file} (may be null) with {@code overrides} on top; returns the resolved, checked config. */
    public Config load(Path file, List<String> overrides) {
        return load(file, ConfigFactory.empty(), overrides);
    }

    /**
     * Loads {@code file} (may be null), then {@code layer} on top of it (keeping its values'
     * origins for messages), then {@code overrides}; returns the resolved, checked config.
     */
    public Config load(Path file, Config layer, List<String> overrides) {
        Config user = layer.withFallback(file == null ? ConfigFactory.empty() : parseFile(file));
        for (String override : overrides) { // the last one wins, as on any command line
            user = parseOverride(override).withFallback(user);
        }
        return check(user);
    }

    /** Resolves {@code user} over the reference and checks its keys. */
    public Config check(Config user) {
        try {
            ConfigResolveOptions options = ConfigResolveOptions.defaults().setAllowUnresolved(allowUnresolved);
            Config merged = user.withFallback(fallbackFor(user)).resolve(options);
            // a section file's values may refer to themselves (axes = ${sweep.axes} [...]): its keys are
            // checked as written; a run config's are checked resolved against the whole config
            Config userResolved = allowUnresolved
                    ? user
                    : user.resolveWith(merged, ConfigResolveOptions.defaults().setAllowUnresolved(true));
            new ConfigKeyChecker(reference.resolve(), typedSections, openSections).check(userResolved, merged);
            return merged;
        } catch (ConfigException e) {
            throw new UserException("config: " + e.getMessage(), e);
        }
    }

    /**
     * The reference as the user's fallback. A user value that stays unresolved would otherwise not
     * replace its default when merged, so such paths are taken out of the fallback.
     */
    private Config fallbackFor(Config user) {
        if (!allowUnresolved) {
            return reference;
        }
        Config fallback = reference;
        for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
            if (!e.getValue().atKey("v").isResolved() && fallback.hasPathOrNull(e.getKey())) {
                fallback = fallback.withoutPath(e.getKey());
            }
        }
        return fallback;
    }

    /** A HOCON file; a missing or malformed one is a user error naming it. */
    public static Config parseFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("config file not found: " + file);
        }
        try {
            return ConfigFactory.parseFile(
                    file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new UserException("config: " + e.getMessage(), e);
        }
    }

    /** One {@code key=value} override, its origin named {@value #COMMAND_LINE}. */
    public static Config parseOverride(String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw new UserException("override '" + override + "' is not of the form key=value");
        }
        try {
            return ConfigFactory.parseString(
                    override, ConfigParseOptions.defaults().setOriginDescription(COMMAND_LINE));
        } catch (ConfigException e) {
            throw new UserException("override '" + override + "': " + e.getMessage(), e);
        }
    }
}
