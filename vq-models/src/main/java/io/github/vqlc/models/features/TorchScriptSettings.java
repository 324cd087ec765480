package io.github.vqlc.models.features;

import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.Values;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The keys of a {@code torchscript} extractor section, checked.
 *
 * @param file the TorchScript file
 * @param inputSize side the images are resized to (bilinear) before the network; 0 = unchanged
 * @param channels channels the network expects (grey images are repeated to 3)
 * @param mean per-channel mean subtracted after mapping [-1, 1] to [0, 1] (one value per network channel)
 * @param std per-channel standard deviation divided by afterwards
 * @param outputIndex element of the network's output tuple holding the features
 * @param layout {@code tokens} (B, T, D), {@code nchw} (B, D, h, w) or {@code vector} (B, D)
 * @param classToken tokens layout: the first token is a class token and is dropped
 * @param dim expected feature width D
 * @param grid expected side of the patch grid, 0 = any square grid
 */
record TorchScriptSettings(
        Path file,
        int inputSize,
        int channels,
        float[] mean,
        float[] std,
        int outputIndex,
        String layout,
        boolean classToken,
        int dim,
        int grid) {

    static final String TOKENS = "tokens";
    static final String NCHW = "nchw";
    static final String VECTOR = "vector";

    static TorchScriptSettings from(Config section, String prefix, Path baseDir) {
        Values v = new Values(section, prefix);
        String path = v.string("path");
        if (path.isBlank()) {
            throw new UserException(
                    prefix + ".path is not set; export a TorchScript encoder as described in docs/pretrained.md");
        }
        int channels = v.intIn("channels", 1, 3);
        float[] mean = floats(section, v, "mean", channels);
        float[] std = floats(section, v, "std", channels);
        for (float s : std) {
            if (!(s > 0)) {
                throw v.outOfRange("std", section.getDoubleList("std"), "values > 0");
            }
        }
        int dim = v.intIn("dim", 0, 1 << 20);
        if (dim == 0) {
            throw new UserException(prefix + ".dim is not set; give the width of the network's features"
                    + " (e.g. 1024 for CLIP ViT-L/14 patch tokens, 2048 for InceptionV3 pool3)");
        }
        return new TorchScriptSettings(
                baseDir.resolve(path).normalize(),
                v.intIn("input-size", 0, 8192),
                channels,
                mean,
                std,
                v.intIn("output-index", 0, 1000),
                v.oneOf("layout", TOKENS, NCHW, VECTOR),
                v.bool("class-token"),
                dim,
                v.intIn("grid", 0, 8192));
    }

    private static float[] floats(Config section, Values v, String key, int channels) {
        List<Double> list = section.getDoubleList(key);
        if (list.size() != channels) {
            throw v.outOfRange(key, list, "a list of " + channels + " numbers (one per network channel)");
        }
        float[] out = new float[channels];
        for (int i = 0; i < channels; i++) {
            out[i] = list.get(i).floatValue();
        }
        return out;
    }

    /** The settings that determine the outputs, for the fingerprint and descriptions. */
    String summary() {
        return "input-size=" + inputSize + " channels=" + channels + " mean=" + Arrays.toString(mean)
                + " std="
                + Arrays.toString(std) + " output-index=" + outputIndex + " layout=" + layout
                + " class-token="
                + classToken + " dim=" + dim + " grid=" + grid;
    }
}
