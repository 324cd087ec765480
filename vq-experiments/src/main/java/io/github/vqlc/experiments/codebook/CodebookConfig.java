package io.github.vqlc.experiments.codebook;

import com.typesafe.config.Config;
import io.github.vqlc.core.config.Values;
import java.nio.file.Path;

/** The {@code codebook} section of a config (defaults and comments in vq-quantizers' reference.conf). */
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
        Path output) {

    public static CodebookConfig from(Config root) {
        Values v = new Values(root.getConfig("codebook"), "codebook");
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
                Path.of(v.string("output")));
    }

    /** The sidecar next to the .npy: {@code x.npy -> x.json}. */
    public Path sidecar() {
        String name = output.getFileName().toString();
        String base = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
        return output.resolveSibling(base + ".json");
    }
}
