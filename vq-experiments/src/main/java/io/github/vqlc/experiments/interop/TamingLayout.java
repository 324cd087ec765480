package io.github.vqlc.experiments.interop;

import io.github.vqlc.models.vqgan.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * taming-transformers' state-dict names of the encoder and decoder, in the order vqlc's {@code
 * Encoder} and {@code Decoder} hold their parameters (the same walk over levels and blocks): {@code
 * encoder.conv_in}, {@code encoder.down.{i}.block.{j}.norm1 / conv1 / norm2 / conv2 / nin_shortcut},
 * {@code encoder.down.{i}.attn.{j}.norm / q / k / v / proj_out}, {@code encoder.down.{i}.downsample.conv},
 * {@code encoder.mid.block_1 / attn_1 / block_2}, {@code encoder.norm_out}, {@code encoder.conv_out};
 * the decoder likewise with {@code up.{i}} ({@code up.0} the full resolution, run last) and {@code
 * up.{i}.upsample.conv}. Every entry is a weight/bias pair.
 */
final class TamingLayout {

    private TamingLayout() {}

    /** The encoder's names, each with its {@code .weight} and {@code .bias}. */
    static List<String> encoder(ModelConfig m, int imageSize) {
        List<String> layers = new ArrayList<>();
        layers.add("conv_in");
        int resolution = imageSize;
        int in = m.baseChannels();
        int levels = m.channelMult().size();
        for (int i = 0; i < levels; i++) {
            int out = m.baseChannels() * m.channelMult().get(i);
            for (int j = 0; j < m.resBlocks(); j++) {
                resnet(layers, "down." + i + ".block." + j, in, out);
                in = out;
                if (m.attnResolutions().contains(resolution)) {
                    attention(layers, "down." + i + ".attn." + j);
                }
            }
            if (i < levels - 1) {
                layers.add("down." + i + ".downsample.conv");
                resolution /= 2;
            }
        }
        middle(layers, in);
        layers.add("norm_out");
        layers.add("conv_out");
        return withWeightAndBias("encoder.", layers);
    }

    /** The decoder's names, each with its {@code .weight} and {@code .bias}. */
    static List<String> decoder(ModelConfig m, int imageSize) {
        List<String> layers = new ArrayList<>();
        int levels = m.channelMult().size();
        int in = m.baseChannels() * m.channelMult().get(levels - 1);
        int resolution = imageSize / m.downsampleFactor();
        layers.add("conv_in");
        middle(layers, in);
        for (int i = levels - 1; i >= 0; i--) {
            int out = m.baseChannels() * m.channelMult().get(i);
            for (int j = 0; j < m.resBlocks() + 1; j++) {
                resnet(layers, "up." + i + ".block." + j, in, out);
                in = out;
                if (m.attnResolutions().contains(resolution)) {
                    attention(layers, "up." + i + ".attn." + j);
                }
            }
            if (i > 0) {
                layers.add("up." + i + ".upsample.conv");
                resolution *= 2;
            }
        }
        layers.add("norm_out");
        layers.add("conv_out");
        return withWeightAndBias("decoder.", layers);
    }

    private static void middle(List<String> layers, int channels) {
        resnet(layers, "mid.block_1", channels, channels);
        attention(layers, "mid.attn_1");
        resnet(layers, "mid.block_2", channels, channels);
    }

    private static void resnet(List<String> layers, String name, int in, int out) {
        for (String part : new String[] {"norm1", "conv1", "norm2", "conv2"}) {
            layers.add(name + "." + part);
        }
        if (in != out) {
            layers.add(name + ".nin_shortcut");
        }
    }

    private static void attention(List<String> layers, String name) {
        for (String part : new String[] {"norm", "q", "k", "v", "proj_out"}) {
            layers.add(name + "." + part);
        }
    }

    private static List<String> withWeightAndBias(String prefix, List<String> layers) {
        List<String> names = new ArrayList<>();
        for (String layer : layers) {
            names.add(prefix + layer + ".weight");
            names.add(prefix + layer + ".bias");
        }
        return names;
    }
}
