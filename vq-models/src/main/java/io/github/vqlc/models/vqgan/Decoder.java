package io.github.vqlc.models.vqgan;

import ai.djl.nn.SequentialBlock;
import io.github.vqlc.models.nn.AttentionBlock;
import io.github.vqlc.models.nn.GroupNorm;
import io.github.vqlc.models.nn.Layers;
import io.github.vqlc.models.nn.ResnetBlock;

/**
 * Taming-transformers decoder, the encoder's mirror: conv_in from {@code z-channels}; middle
 * res/attn/res; per level (from the deepest) {@code res-blocks + 1} ResNet blocks (attention where
 * listed) and a nearest x2 upsampling + conv except at the top level; norm, swish, conv_out.
 * Input (N, z, S/f, S/f), output (N, C, S, S), unbounded (images live in [-1, 1]).
 */
public final class Decoder {

    private Decoder() {}

    public static SequentialBlock build(ModelConfig m, int imageSize, int outChannels) {
        SequentialBlock net = new SequentialBlock();
        int levels = m.channelMult().size();
        int in = m.baseChannels() * m.channelMult().get(levels - 1);
        int resolution = imageSize / m.downsampleFactor();
        net.add(Layers.conv(in, 3));
        net.add(new ResnetBlock(in, in, m.dropout()));
        net.add(new AttentionBlock(in));
        net.add(new ResnetBlock(in, in, m.dropout()));
        for (int level = levels - 1; level >= 0; level--) {
            int out = m.baseChannels() * m.channelMult().get(level);
            for (int r = 0; r < m.resBlocks() + 1; r++) {
                net.add(new ResnetBlock(in, out, m.dropout()));
                in = out;
                if (m.attnResolutions().contains(resolution)) {
                    net.add(new AttentionBlock(in));
                }
            }
            if (level > 0) {
                net.add(Layers.upsampleNearest()).add(Layers.conv(in, 3));
                resolution *= 2;
            }
        }
        net.add(GroupNorm.of(in)).add(Layers.swish()).add(Layers.conv(outChannels, 3));
        return net;
    }
}
