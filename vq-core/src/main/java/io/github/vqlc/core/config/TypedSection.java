package io.github.vqlc.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import java.util.List;
import java.util.Optional;

/**
 * A config section whose valid keys depend on its {@code type}: the user's block at {@link #path}
 * falls back to {@code <typesRoot>.<type>}, where the module implementing that type declares its
 * keys and defaults (e.g. {@code quantizer} over {@code quantizer-types.lc}). {@link
 * ConfigKeyChecker} checks every section of {@link #ALL}; a section may be absent from both the
 * reference and the user's config.
 *
 * @param path dotted path of the section, e.g. {@code codebook.extractor}
 * @param typesRoot where the per-type defaults live, e.g. {@code extractor-types}
 */
public record TypedSection(String path, String typesRoot) {

    public static final TypedSection QUANTIZER = new TypedSection("quantizer", "quantizer-types");
    public static final TypedSection CODEBOOK_EXTRACTOR = new TypedSection("codebook.extractor", "extractor-types");
    public static final TypedSection FID_EXTRACTOR = new TypedSection("eval.fid.extractor", "extractor-types");

    /** Every typed section the key checker knows, longest path first so nested sections win. */
    public static final List<TypedSection> ALL = List.of(FID_EXTRACTOR, CODEBOOK_EXTRACTOR, QUANTIZER);

    /** The key holding the type name inside the section. */
    public static final String TYPE = "type";

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
