package io.github.vqlc.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import io.github.vqlc.core.UserException;
import java.util.Map;
import java.util.TreeSet;

/**
 * Rejects keys the user wrote that no module declares. Every section's valid keys are those of the
 * merged {@code reference.conf}; the {@code quantizer} section additionally accepts the keys of
 * {@code quantizer-types.<its type>}, so each quantizer declares its own options.
 */
final class ConfigKeyChecker {

    static final String QUANTIZER = "quantizer";
    static final String QUANTIZER_TYPES = "quantizer-types";

    private ConfigKeyChecker() {}

    /**
     * @param user the user's layer (file + overrides)
     * @param merged the full resolved configuration (includes all reference defaults)
     * @param reference the merged reference.conf of all modules
     */
    static void check(Config user, Config merged, Config reference) {
        String qType = merged.hasPath(QUANTIZER + ".type") ? merged.getString(QUANTIZER + ".type") : "";
        for (Map.Entry<String, ConfigValue> entry : user.entrySet()) {
            String path = entry.getKey();
            String section = firstSegment(path);
            if (section.equals(QUANTIZER)) {
                String rest = path.substring(QUANTIZER.length() + 1);
                if (reference.hasPathOrNull(path) || isDeclared(reference, QUANTIZER_TYPES + "." + quote(qType), rest)) {
                    continue;
                }
                throw unknown(path, entry.getValue().origin(), validQuantizerKeys(reference, qType), "quantizer (type " + qType + ")");
            }
            if (reference.hasPathOrNull(path)) {
                continue;
            }
            if (!reference.hasPath(quote(section))) {
                throw unknown(path, entry.getValue().origin(), new TreeSet<>(reference.root().keySet()), "the top level");
            }
            throw unknown(path, entry.getValue().origin(), leafKeys(reference.getConfig(quote(section))), section);
        }
    }

    private static boolean isDeclared(Config reference, String typeSection, String rest) {
        return reference.hasPath(typeSection) && reference.getConfig(typeSection).hasPathOrNull(rest);
    }

    private static TreeSet<String> validQuantizerKeys(Config reference, String type) {
        TreeSet<String> keys = leafKeys(reference.getConfig(QUANTIZER));
        String typeSection = QUANTIZER_TYPES + "." + quote(type);
        if (reference.hasPath(typeSection)) {
            keys.addAll(leafKeys(reference.getConfig(typeSection)));
        }
        return keys;
    }

    /** Leaf paths of a section (reference defaults are never null, so all appear here). */
    private static TreeSet<String> leafKeys(Config section) {
        TreeSet<String> keys = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : section.entrySet()) {
            keys.add(e.getKey());
        }
        return keys;
    }

    private static UserException unknown(String path, ConfigOrigin origin, TreeSet<String> valid, String where) {
        return new UserException("unknown config key '" + path + "' (" + describe(origin) + "); valid keys in "
                + where + ": " + String.join(", ", valid));
    }

    /** "file.conf:12" for files, "command line" for overrides. */
    static String describe(ConfigOrigin origin) {
        if (origin == null) {
            return "unknown origin";
        }
        if (origin.filename() != null) {
            return origin.filename() + (origin.lineNumber() > 0 ? ":" + origin.lineNumber() : "");
        }
        if (origin.description() != null && origin.description().startsWith(ConfigLoader.COMMAND_LINE)) {
            return ConfigLoader.COMMAND_LINE;
        }
        return origin.description();
    }

    private static String firstSegment(String path) {
        int dot = path.indexOf('.');
        return dot < 0 ? path : path.substring(0, dot);
    }

    private static String quote(String key) {
        return com.typesafe.config.ConfigUtil.joinPath(key);
    }
}
