package io.github.vqlc.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A config section whose valid keys depend on its {@code type}: the user's block at {@link #path}
 * falls back to {@code <typesRoot>.<type>}, where the module implementing that type declares its
 * keys and defaults (e.g. {@code quantizer} over {@code quantizer-types.lc}). The package owning
 * such a section declares it; {@link ConfigLoader} checks the type against {@link #knownTypes}
 * before it checks the section's keys.
 *
 * @param path dotted path of the section, e.g. {@code codebook.extractor}
 * @param typesRoot where the per-type defaults live, e.g. {@code extractor-types}
 * @param knownTypes the types the section accepts (the registered ones, plus values such as
 *     {@code none} that the owner gives a meaning); empty = any type
 */
public record TypedSection(String path, String typesRoot, Set<String> knownTypes) {

    /** The key holding the type name inside the section. */
    public static final String TYPE = "type";

    public TypedSection {
        knownTypes = Set.copyOf(new TreeSet<>(knownTypes));
    }

    /** True when {@code key} (a dotted path) lies inside this section. */
    boolean contains(String key) {
        return key.startsWith(path + ".");
    }

    /** The section's type in {@code root}, or empty when unset. */
    public Optional<String> type(Config root) {
        String key = path + "." + TYPE;
        return root.hasPath(key) ? Optional.of(root.getString(key)) : Optional.empty();
    }

    /** Path of {@code type}'s defaults, e.g. {@code extractor-types."feature-net"}. */
    public String typeDefaults(String type) {
        return typesRoot + "." + ConfigUtil.joinPath(type);
    }

    /**
     * The resolved section: the user's block over {@code typesRoot.<type>} (the block alone when the
     * type declares no defaults). Empty when {@code root} has no such section.
     */
    public Optional<Config> resolve(Config root) {
        if (!root.hasPath(path)) {
            return Optional.empty();
        }
        Config user = root.getConfig(path);
        String type = user.hasPath(TYPE) ? user.getString(TYPE) : "";
        String defaults = typeDefaults(type);
        Config typeDefaults =
                !type.isEmpty() && root.hasPath(defaults) ? root.getConfig(defaults) : ConfigFactory.empty();
        return Optional.of(user.withFallback(typeDefaults));
    }
}
