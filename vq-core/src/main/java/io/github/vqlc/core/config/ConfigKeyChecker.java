package io.github.vqlc.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import io.github.vqlc.core.UserException;
import java.util.Map;
import java.util.TreeSet;

/**
 * Rejects keys the user wrote that no module declares. Every section's valid keys are those of the
 * merged {@code reference.conf}; a typed section ({@link TypedSection#ALL}: {@code quantizer},
 * {@code codebook.extractor}, {@code eval.fid.extractor}) additionally accepts {@code type} and the
 * keys of {@code <types root>.<its type>}, so each implementation declares its own options.
 */
final class ConfigKeyChecker {

    private ConfigKeyChecker() {}

    /**
     * @param user the user's layer (file + overrides)
     * @param merged the full resolved configuration (includes all reference defaults)
     * @param reference the merged reference.conf of all modules
     */
    static void check(Config user, Config merged, Config reference) {
        for (Map.Entry<String, ConfigValue> entry : user.entrySet()) {
            String path = entry.getKey();
            ConfigOrigin origin = entry.getValue().origin();
            TypedSection typed = typedSectionOf(path);
            if (typed != null) {
                checkTyped(typed, path, origin, merged, reference);
                continue;
            }
            if (reference.hasPathOrNull(path)) {
                continue;
            }
            String section = firstSegment(path);
            if (!reference.hasPath(quote(section))) {
                throw unknown(path, origin, new TreeSet<>(reference.root().keySet()), "the top level");
            }
            throw unknown(path, origin, leafKeys(reference.getConfig(quote(section))), section);
        }
    }

    private static TypedSection typedSectionOf(String path) {
        for (TypedSection s : TypedSection.ALL) {
            if (s.contains(path)) {
                return s;
            }
        }
        return null;
    }

    private static void checkTyped(TypedSection s, String path, ConfigOrigin origin, Config merged, Config reference) {
        String rest = path.substring(s.path().length() + 1);
        if (rest.equals(TypedSection.TYPE) || reference.hasPathOrNull(path)) {
            return;
        }
        String type = s.type(merged).orElse("");
        String defaults = s.typeDefaults(type);
        boolean typeDeclared = !type.isEmpty() && reference.hasPath(defaults);
        if (typeDeclared && reference.getConfig(defaults).hasPathOrNull(rest)) {
            return;
        }
        TreeSet<String> valid = new TreeSet<>();
        valid.add(TypedSection.TYPE);
        if (reference.hasPath(s.path())) {
            valid.addAll(leafKeys(reference.getConfig(s.path())));
        }
        String where = s.path() + " (type " + (type.isEmpty() ? "unset" : type) + ")";
        if (typeDeclared) {
            valid.addAll(leafKeys(reference.getConfig(defaults)));
        } else if (reference.hasPath(s.typesRoot())) {
            where = s.path() + " (type " + (type.isEmpty() ? "unset" : "'" + type + "' declares no keys")
                    + "; declared types: "
                    + String.join(
                            ", ",
                            new TreeSet<>(
                                    reference.getConfig(s.typesRoot()).root().keySet())) + ")";
        }
        throw unknown(path, origin, valid, where);
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
        return new UserException("unknown config key '" + path + "' (" + describe(origin) + "); valid keys in " + where
                + ": " + String.join(", ", valid));
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
