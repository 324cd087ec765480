package io.github.vqlc.models.vqgan;

import ai.djl.nn.SequentialBlock;
import io.github.vqlc.models.nn.AttentionBlock;
import io.github.vqlc.models.nn.GroupNorm;
import io.github.vqlc.models.nn.Layers;
import io.github.vqlc.models.nn.ResnetBlock;

/**
 * Taming-transformers encoder: conv_in; per level {@code res-blocks} ResNet blocks (attention where
 * the resolution is listed) and a stride-2 downsampling except at the last level; a middle
 * res/attn/res stack; norm, swish, conv_out to {@code z-channels}.
 * Input (N, C, S, S), output (N, z, S/f, S/f) with f = 2^(levels - 1).
 */
public final class Encoder {

    private Encoder() {}

    public static SequentialBlock build(ModelConfig m, int imageSize) {
        SequentialBlock net = new SequentialBlock();
        int ch = m.baseChannels();
        net.add(Layers.conv(ch, 3));
        int resolution = imageSize;
        int in = ch;
        for (int level = 0; level < m.channelMult().size(); level++) {
            int out = m.baseChannels() * m.channelMult().get(level);
            for (int r = 0; r < m.resBlocks(); r++) {
                net.add(new ResnetBlock(in, out, m.dropout()));
                in = out;
                if (m.attnResolutions().contains(resolution)) {
                    net.add(new AttentionBlock(in));
                }
            }
            if (level < m.channelMult().size() - 1) {
                net.add(
                        m.downsamplePadding() == ModelConfig.DownsamplePadding.TAMING
                                ? Layers.downsampleTaming(in)
                                : Layers.downsample(in));
                resolution /= 2;
            }
        }
        net.add(new ResnetBlock(in, in, m.dropout()));
        net.add(new AttentionBlock(in));
        net.add(new ResnetBlock(in, in, m.dropout()));
        net.add(GroupNorm.of(in)).add(Layers.swish()).add(Layers.conv(m.zChannels(), 3));
        return net;
    }
}
