package io.github.vqlc.eval;

import com.typesafe.config.Config;
import io.github.vqlc.core.config.TypedSection;
import io.github.vqlc.core.config.Values;
import io.github.vqlc.core.spi.ExtractorConfig;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The {@code eval} section (declared in vq-eval's reference.conf).
 *
 * @param split {@code train} or {@code test}: the split reconstruction metrics (and, by default,
 *     utilization) cover
 * @param limit images to evaluate (0 = the whole split)
 * @param utilizationSplit {@code same} (utilization from the reconstruction pass), {@code train} or
 *     {@code test}: utilization from an encoder-only pass over that split
 * @param psnrChannel {@code rgb} or {@code y} (BT.601 luma of RGB images)
 * @param cacheDir where reference-split feature statistics for rFID are cached
 * @param fid {@code eval.fid.extractor} over {@code extractor-types.<type>}, or null when its type
 *     is {@value #NO_EXTRACTOR} (no rFID)
 * @param lpipsPath TorchScript LPIPS network, or null for none
 */
public record EvalConfig(
        String split,
        int limit,
        int batchSize,
        String utilizationSplit,
        String psnrChannel,
        Path cacheDir,
        ExtractorConfig fid,
        Path lpipsPath) {

    /** The extractor type that turns rFID off. */
    public static final String NO_EXTRACTOR = "none";

    /** Where the section lives. */
    public static final String PATH = "eval";

    /** Where the FID extractor section lives. */
    public static final String FID_EXTRACTOR_PATH = "eval.fid.extractor";

    /** Convenience for tests and tools: defaults for everything but split, limit and batch size. */
    public EvalConfig(String split, int limit, int batchSize) {
        this(split, limit, batchSize, "same", "rgb", Path.of("runs/.fid-cache"), null, null);
    }

    /** The FID extractor section as the config loader checks it: a registered type, or none. */
    public static TypedSection fidExtractorSection(Set<String> extractorTypes) {
        Set<String> types = new HashSet<>(extractorTypes);
        types.add(NO_EXTRACTOR);
        return ExtractorConfig.typedSection(FID_EXTRACTOR_PATH, types);
    }

    public boolean hasFidExtractor() {
        return fid != null;
    }

    /** {@code eval.fid.extractor.type}; {@value #NO_EXTRACTOR} when rFID is off. */
    public String fidExtractorType() {
        return fid == null ? NO_EXTRACTOR : fid.type();
    }

    /** The split utilization is counted on. */
    public String usageSplit() {
        return utilizationSplit.equals("same") ? split : utilizationSplit;
    }

    /** Reads the section of a resolved, checked config. */
    public static EvalConfig from(Config root) {
        Values v = new Values(root.getConfig(PATH), PATH);
        Path cache = v.optionalPath("cache-dir");
        if (cache == null) {
            throw v.outOfRange("cache-dir", "\"\"", "a directory path");
        }
        ExtractorConfig fid = ExtractorConfig.of(root, FID_EXTRACTOR_PATH);
        return new EvalConfig(
                v.oneOf("split", "train", "test"),
                v.intAtLeast("limit", 0),
                v.intAtLeast("batch-size", 1),
                v.oneOf("utilization-split", "same", "train", "test"),
                v.oneOf("psnr-channel", "rgb", "y"),
                cache,
                fid.type().equals(NO_EXTRACTOR) ? null : fid,
                v.optionalPath("lpips.path"));
    }
}
