package io.github.vqlc.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import io.github.vqlc.core.UserException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Rejects what the user wrote that no module declares. Every section's valid keys are those of the
 * merged {@code reference.conf}; a {@link TypedSection} first has its {@code type} checked against
 * the types it accepts, then accepts {@code type} and the keys of {@code <types root>.<its type>},
 * so each implementation declares its own options. Keys below an open section (free-form maps such
 * as a sweep's {@code overrides}) are not checked.
 */
final class ConfigKeyChecker {

    private final Config reference;
    private final List<TypedSection> typedSections;
    private final Set<String> openSections;

    /**
     * @param reference the merged, resolved reference.conf of all modules
     * @param typedSections the sections whose keys depend on their type
     * @param openSections dotted paths below which any key is accepted
     */
    ConfigKeyChecker(Config reference, List<TypedSection> typedSections, Set<String> openSections) {
        this.reference = reference;
        this.typedSections = typedSections.stream()
                .sorted(Comparator.comparingInt((TypedSection s) -> s.path().length())
                        .reversed())
                .toList();
        this.openSections = Set.copyOf(openSections);
    }

    /**
     * @param user the user's layer (files + overrides), resolved as far as it can be
     * @param merged the full resolved configuration (includes all reference defaults)
     */
    void check(Config user, Config merged) {
        for (TypedSection s : typedSections) {
            checkType(s, merged);
        }
        Map<TypedSection, List<Map.Entry<String, ConfigValue>>> misfits =
                new TreeMap<>(Comparator.comparing(TypedSection::path));
        for (Map.Entry<String, ConfigValue> entry : sorted(user)) {
            String path = entry.getKey();
            if (isOpen(path)) {
                continue;
            }
            TypedSection typed = typedSectionOf(path);
            if (typed != null) {
                if (!validInTyped(typed, path, merged)) {
                    misfits.computeIfAbsent(typed, t -> new ArrayList<>()).add(entry);
                }
                continue;
            }
            if (reference.hasPathOrNull(path)) {
                continue;
            }
            String section = firstSegment(path);
            ConfigOrigin origin = entry.getValue().origin();
            if (!reference.hasPath(ConfigUtil.joinPath(section))) {
                throw unknown(path, origin, new TreeSet<>(reference.root().keySet()), "the top level");
            }
            throw unknown(path, origin, leafKeys(reference.getConfig(ConfigUtil.joinPath(section))), section);
        }
        for (Map.Entry<TypedSection, List<Map.Entry<String, ConfigValue>>> e : misfits.entrySet()) {
            throw misfit(e.getKey(), e.getValue(), user, merged);
        }
    }

    /** A type the section does not accept is reported before any of its keys. */
    private static void checkType(TypedSection s, Config merged) {
        String key = s.path() + "." + TypedSection.TYPE;
        if (s.knownTypes().isEmpty() || !merged.hasPath(key)) {
            return;
        }
        String type = merged.getString(key);
        if (!type.isBlank() && !s.knownTypes().contains(type)) {
            throw new UserException("unknown " + key + " '" + type + "' ("
                    + describe(merged.getValue(key).origin()) + "); registered types: "
                    + String.join(", ", new TreeSet<>(s.knownTypes())));
        }
    }

    private boolean isOpen(String path) {
        for (String open : openSections) {
            if (path.startsWith(open + ".")) {
                return true;
            }
        }
        return false;
    }

    private TypedSection typedSectionOf(String path) {
        for (TypedSection s : typedSections) {
            if (s.contains(path)) {
                return s;
            }
        }
        return null;
    }

    private boolean validInTyped(TypedSection s, String path, Config merged) {
        String rest = path.substring(s.path().length() + 1);
        if (rest.equals(TypedSection.TYPE) || reference.hasPathOrNull(path)) {
            return true;
        }
        String type = s.type(merged).orElse("");
        String defaults = s.typeDefaults(type);
        return !type.isEmpty()
                && reference.hasPath(defaults)
                && reference.getConfig(defaults).hasPathOrNull(rest);
    }

    /** The keys {@code s} accepts for the type {@code merged} gives it. */
    private TreeSet<String> validKeys(TypedSection s, String type) {
        TreeSet<String> valid = new TreeSet<>();
        valid.add(TypedSection.TYPE);
        if (reference.hasPath(s.path())) {
            valid.addAll(leafKeys(reference.getConfig(s.path())));
        }
        if (!type.isEmpty() && reference.hasPath(s.typeDefaults(type))) {
            valid.addAll(leafKeys(reference.getConfig(s.typeDefaults(type))));
        }
        return valid;
    }

    /**
     * Keys of a typed section its type does not take. When the type was set somewhere else than
     * (some of) those keys, e.g. {@code -o quantizer.type=vq} over a file written for {@code lc},
     * the message names the type's origin and every key it does not take; otherwise it names the
     * first unknown key like any other.
     */
    private UserException misfit(
            TypedSection s, List<Map.Entry<String, ConfigValue>> keys, Config user, Config merged) {
        String type = s.type(merged).orElse("");
        TreeSet<String> valid = validKeys(s, type);
        String typeKey = s.path() + "." + TypedSection.TYPE;
        String typeSource =
                user.hasPath(typeKey) ? source(user.getValue(typeKey).origin()) : null;
        boolean elsewhere = typeSource != null
                && keys.stream().anyMatch(k -> !source(k.getValue().origin()).equals(typeSource));
        if (elsewhere) {
            List<String> named = keys.stream()
                    .map(k -> k.getKey() + " (" + describe(k.getValue().origin()) + ")")
                    .toList();
            return new UserException(typeKey + " = " + type + " ("
                    + describe(user.getValue(typeKey).origin())
                    + ") does not take " + String.join(", ", named) + "; the keys of " + s.path() + " type " + type
                    + ": " + String.join(", ", valid)
                    + " (drop a key with -o " + keys.get(0).getKey() + "=null, or start from a config for "
                    + type + ")");
        }
        Map.Entry<String, ConfigValue> first = keys.get(0);
        String where = s.path() + " (type " + (type.isEmpty() ? "unset" : type) + ")";
        if (!type.isEmpty() && !reference.hasPath(s.typeDefaults(type)) && reference.hasPath(s.typesRoot())) {
            where = s.path() + " (type '" + type + "' declares no keys; declared types: "
                    + String.join(
                            ", ",
                            new TreeSet<>(
                                    reference.getConfig(s.typesRoot()).root().keySet())) + ")";
        }
        return unknown(first.getKey(), first.getValue().origin(), valid, where);
    }

    private static List<Map.Entry<String, ConfigValue>> sorted(Config user) {
        List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(user.entrySet());
        entries.sort(Map.Entry.comparingByKey());
        return entries;
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

    /** The file a value comes from, or "command line": what {@link #describe} says without the line. */
    private static String source(ConfigOrigin origin) {
        if (origin != null && origin.filename() != null) {
            return origin.filename();
        }
        return describe(origin);
    }

    private static String firstSegment(String path) {
        int dot = path.indexOf('.');
        return dot < 0 ? path : path.substring(0, dot);
    }
}
