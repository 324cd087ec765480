package io.github.vqlc.quantizers.codebook;

import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.TypedSection;
import io.github.vqlc.core.config.Values;
import io.github.vqlc.core.spi.ExtractorConfig;
import io.github.vqlc.quantizers.codebook.kmeans.KMeansConfig;
import java.nio.file.Path;
import java.util.Set;

/**
 * The {@code codebook} section: how {@code vqlc codebook} builds a static codebook (defaults and
 * comments in this module's reference.conf).
 *
 * @param init {@code kmeans}, {@code random-features} or {@code random}
 * @param size rows K of the codebook
 * @param perClass k-means per class (K split over the classes) or over all vectors
 * @param split {@code train} or {@code test}: the split whose features are pooled
 * @param grid each image's patch grid is average-pooled to grid x grid vectors
 * @param maxVectorsPerImage pooled vectors kept per image (a random subset; 0 = all)
 * @param maxImagesPerClass images used per class (0 = all)
 * @param batchSize images per extractor batch
 * @param randomDim width of an {@code init = random} codebook
 * @param output the {@code .npy} to write; its {@code .json} sidecar goes next to it
 * @param extractor where features come from ({@code codebook.extractor})
 * @param kmeans the clustering ({@code codebook.kmeans})
 */
public record CodebookConfig(
        String init,
        int size,
        boolean perClass,
        String split,
        int grid,
        int maxVectorsPerImage,
        int maxImagesPerClass,
        int batchSize,
        int randomDim,
        Path output,
        ExtractorConfig extractor,
        KMeansConfig kmeans) {

    /** Where the section lives. */
    public static final String PATH = "codebook";

    /** Where the feature extractor section lives. */
    public static final String EXTRACTOR_PATH = "codebook.extractor";

    /** The extractor section as the config loader checks it. */
    public static TypedSection extractorSection(Set<String> extractorTypes) {
        return ExtractorConfig.typedSection(EXTRACTOR_PATH, extractorTypes);
    }

    /** Reads the section of a resolved, checked config. */
    public static CodebookConfig from(Config root) {
        Values v = new Values(root.getConfig(PATH), PATH);
        Path output = v.path("output");
        if (!output.getFileName().toString().endsWith(".npy")) {
            throw new UserException("codebook.output must end in .npy, got " + output);
        }
        return new CodebookConfig(
                v.oneOf("init", "kmeans", "random-features", "random"),
                v.intIn("size", 1, 10_000_000),
                v.bool("per-class"),
                v.oneOf("split", "train", "test"),
                v.intIn("grid", 1, 64),
                v.intAtLeast("max-vectors-per-image", 0),
                v.intAtLeast("max-images-per-class", 0),
                v.intIn("batch-size", 1, 65536),
                v.intIn("random-dim", 1, 65536),
                output,
                ExtractorConfig.find(root, EXTRACTOR_PATH).orElse(null),
                KMeansConfig.from(root.getConfig(KMeansConfig.PATH)));
    }

    /** The sidecar next to the .npy: {@code x.npy -> x.json}. */
    public Path sidecar() {
        return sidecarOf(output);
    }

    /** The JSON sidecar `vqlc codebook` writes next to a codebook file: {@code x.npy -> x.json}. */
    public static Path sidecarOf(Path codebook) {
        String name = codebook.getFileName().toString();
        String base = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
        return codebook.resolveSibling(base + ".json");
    }

    /** The extractor section, or a user error when the config has none. */
    public ExtractorConfig requireExtractor() {
        if (extractor == null) {
            throw new UserException("the config has no " + EXTRACTOR_PATH + " section; add one, e.g. " + EXTRACTOR_PATH
                    + " { type = feature-net }");
        }
        return extractor;
    }
}
