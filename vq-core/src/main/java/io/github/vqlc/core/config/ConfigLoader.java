package io.github.vqlc.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import io.github.vqlc.core.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads an experiment configuration: {@code reference.conf} of every module on the classpath,
 * overridden by the user's file, overridden by command-line {@code key=value} pairs.
 */
public final class ConfigLoader {

    /** Origin description given to command-line overrides, shown in error messages. */
    public static final String COMMAND_LINE = "command line";

    private ConfigLoader() {}

    /** Loads and validates; {@code file} may be null (defaults plus overrides only). */
    public static ExperimentConfig load(Path file, List<String> overrides) {
        return load(file, ConfigFactory.empty(), overrides);
    }

    /**
     * Loads {@code file}, then {@code layer} on top of it (e.g. a sweep cell's overrides, keeping
     * their origins for error messages), then {@code overrides}; validates like {@link #load(Path, List)}.
     */
    public static ExperimentConfig load(Path file, Config layer, List<String> overrides) {
        return load(file, layer, overrides, ConfigFactory.defaultReference());
    }

    static ExperimentConfig load(Path file, List<String> overrides, Config reference) {
        return load(file, ConfigFactory.empty(), overrides, reference);
    }

    static ExperimentConfig load(Path file, Config layer, List<String> overrides, Config reference) {
        Config user = userLayer(file, overrides, layer);
        try {
            Config resolved = user.withFallback(reference).resolve();
            Config userResolved =
                    user.resolveWith(resolved, ConfigResolveOptions.defaults().setAllowUnresolved(true));
            ConfigKeyChecker.check(userResolved, resolved, reference);
            return ExperimentConfig.from(resolved);
        } catch (ConfigException e) {
            throw new UserException("config: " + e.getMessage(), e);
        }
    }

    /** The user's file with the overrides on top, unresolved. */
    static Config userLayer(Path file, List<String> overrides) {
        return userLayer(file, overrides, ConfigFactory.empty());
    }

    private static Config userLayer(Path file, List<String> overrides, Config layer) {
        Config user = ConfigFactory.empty();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new UserException("config file not found: " + file);
            }
            try {
                user = ConfigFactory.parseFile(
                        file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (ConfigException e) {
                throw new UserException("config: " + e.getMessage(), e);
            }
        }
        user = layer.withFallback(user);
        for (String override : overrides) { // the last one wins, as on any command line
            user = parseOverride(override).withFallback(user);
        }
        return user;
    }

    static Config parseOverride(String override) {
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
