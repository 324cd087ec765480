package io.github.vqlc.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import java.nio.file.Path;

/**
 * The {@code eval} section.
 *
 * @param split {@code train} or {@code test}: the split reconstruction metrics (and, by default,
 *     utilization) cover
 * @param limit images to evaluate (0 = the whole split)
 * @param utilizationSplit {@code same} (utilization from the reconstruction pass), {@code train} or
 *     {@code test}: utilization from an encoder-only pass over that split
 * @param psnrChannel {@code rgb} or {@code y} (BT.601 luma of RGB images)
 * @param cacheDir where reference-split feature statistics for rFID are cached
 * @param fidExtractorType {@code eval.fid.extractor.type}; {@link #NO_EXTRACTOR} = no rFID
 * @param fidExtractor {@code eval.fid.extractor} over {@code extractor-types.<type>}: what the
 *     extractor factory reads
 * @param lpipsPath TorchScript LPIPS network, or null for none
 */
public record EvalConfig(
        String split,
        int limit,
        int batchSize,
        String utilizationSplit,
        String psnrChannel,
        Path cacheDir,
        String fidExtractorType,
        Config fidExtractor,
        Path lpipsPath) {

    /** The extractor type that turns rFID off. */
    public static final String NO_EXTRACTOR = "none";

    /** Convenience for tests and tools: defaults for everything but split, limit and batch size. */
    public EvalConfig(String split, int limit, int batchSize) {
        this(
                split,
                limit,
                batchSize,
                "same",
                "rgb",
                Path.of("runs/.fid-cache"),
                NO_EXTRACTOR,
                ConfigFactory.parseString("type = none"),
                null);
    }

    public boolean hasFidExtractor() {
        return !fidExtractorType.equals(NO_EXTRACTOR);
    }

    /** The split utilization is counted on. */
    public String usageSplit() {
        return utilizationSplit.equals("same") ? split : utilizationSplit;
    }

    /** @param root the whole resolved config (for {@code extractor-types}) */
    static EvalConfig from(Config c, Config root) {
        Values v = new Values(c, "eval");
        String cache = v.string("cache-dir");
        if (cache.isBlank()) {
            throw v.outOfRange("cache-dir", "\"\"", "a directory path");
        }
        Config extractor = c.getConfig("fid.extractor");
        String type = extractor.getString("type");
        if (type.isBlank()) {
            throw v.outOfRange("fid.extractor.type", "\"\"", "a feature extractor type, or none");
        }
        String defaults = "extractor-types." + ConfigUtil.joinPath(type);
        Config section = root.hasPath(defaults) ? extractor.withFallback(root.getConfig(defaults)) : extractor;
        String lpips = c.getString("lpips.path");
        return new EvalConfig(
                v.oneOf("split", "train", "test"),
                v.intAtLeast("limit", 0),
                v.intAtLeast("batch-size", 1),
                v.oneOf("utilization-split", "same", "train", "test"),
                v.oneOf("psnr-channel", "rgb", "y"),
                Path.of(cache),
                type,
                section,
                lpips.isBlank() ? null : Path.of(lpips));
    }
}
