package io.github.vqlc.models.vqgan;

import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.Values;
import java.util.List;
import java.util.Locale;

/**
 * The {@code model} section: a taming-style convolutional encoder/decoder.
 *
 * @param channelMult channel multiplier per resolution level; each level after the first halves
 *     the resolution, so {@code channelMult.size() - 1} is log2 of the downsampling factor
 * @param attnResolutions feature-map sizes at which a self-attention block is inserted
 * @param zChannels encoder output channels before the 1x1 quant conv
 * @param embedDim width D of the vectors handed to the quantizer
 * @param downsamplePadding how the encoder's stride-2 convolutions pad their input
 */
public record ModelConfig(
        int baseChannels,
        List<Integer> channelMult,
        int resBlocks,
        List<Integer> attnResolutions,
        int zChannels,
        int embedDim,
        double dropout,
        DownsamplePadding downsamplePadding) {

    /** Padding of the encoder's stride-2 3x3 convolutions. */
    public enum DownsamplePadding {
        /** One pixel on every side (the default). */
        SYMMETRIC,
        /**
         * One pixel on the right and bottom only, as taming-transformers' {@code Downsample} (and so
         * VQGAN-LC): needed for weights trained there to give the same outputs.
         */
        TAMING;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The taming-style model with symmetric downsampling padding. */
    public ModelConfig(
            int baseChannels,
            List<Integer> channelMult,
            int resBlocks,
            List<Integer> attnResolutions,
            int zChannels,
            int embedDim,
            double dropout) {
        this(
                baseChannels,
                channelMult,
                resBlocks,
                attnResolutions,
                zChannels,
                embedDim,
                dropout,
                DownsamplePadding.SYMMETRIC);
    }

    public ModelConfig {
        channelMult = List.copyOf(channelMult);
        attnResolutions = List.copyOf(attnResolutions);
        if (channelMult.isEmpty()) {
            throw new UserException("model.channel-mult must not be empty");
        }
    }

    /** Downsampling factor of the encoder, 2^(levels - 1). */
    public int downsampleFactor() {
        return 1 << (channelMult.size() - 1);
    }

    /** Reads the {@code model} section (declared in vq-models' reference.conf). */
    public static ModelConfig from(Config c) {
        Values v = new Values(c, "model");
        return new ModelConfig(
                v.intAtLeast("base-channels", 1),
                v.intList("channel-mult", 1),
                v.intAtLeast("res-blocks", 0),
                v.intList("attn-resolutions", 1),
                v.intAtLeast("z-channels", 1),
                v.intAtLeast("embed-dim", 1),
                v.doubleIn("dropout", 0, 0.99),
                DownsamplePadding.valueOf(
                        v.oneOf("downsample-padding", "symmetric", "taming").toUpperCase(Locale.ROOT)));
    }
}
