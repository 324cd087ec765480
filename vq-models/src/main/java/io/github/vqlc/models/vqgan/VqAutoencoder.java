package io.github.vqlc.models.vqgan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.models.nn.Layers;
import java.util.ArrayList;
import java.util.List;

/**
 * Encoder, 1x1 quant conv (z-channels to D), quantizer, 1x1 post-quant conv (D to z-channels),
 * decoder. Images (N, C, S, S) in [-1, 1]; tokens (N, S/f, S/f) int64.
 */
public final class VqAutoencoder extends AbstractBlock {

    private final Block encoder;
    private final Block quantConv;
    private final Quantizer quantizer;
    private final Block postQuantConv;
    private final Block decoder;
    private final int imageSize;
    private final int channels;
    private final int downsample;

    /** What one forward pass produced. */
    public record Output(NDArray reconstruction, QuantizerOutput quantized) {}

    /** A decoder pass that also keeps the input of its last layer (for the adaptive GAN weight). */
    public record Decoded(NDArray lastLayerInput, NDArray reconstruction) {}

    public VqAutoencoder(ModelConfig m, int imageSize, int channels, Quantizer quantizer) {
        super((byte) 1);
        if (imageSize % m.downsampleFactor() != 0) {
            throw new UserException("data.image-size " + imageSize
                    + " is not divisible by the model's downsampling factor " + m.downsampleFactor()
                    + " (model.channel-mult has " + m.channelMult().size() + " levels)");
        }
        List<Integer> visited = new ArrayList<>();
        for (int level = 0; level < m.channelMult().size(); level++) {
            visited.add(imageSize >> level);
        }
        for (int r : m.attnResolutions()) {
            if (!visited.contains(r)) {
                throw new UserException("model.attn-resolutions lists " + r + " but the feature maps of a " + imageSize
                        + "px image are " + visited + " pixels wide");
            }
        }
        if (quantizer.embeddingDim() != m.embedDim()) {
            throw new IllegalArgumentException(
                    "quantizer width " + quantizer.embeddingDim() + " != model.embed-dim " + m.embedDim());
        }
        this.imageSize = imageSize;
        this.channels = channels;
        this.downsample = m.downsampleFactor();
        this.encoder = addChildBlock("encoder", Encoder.build(m, imageSize));
        this.quantConv = addChildBlock("quant_conv", Layers.conv(m.embedDim(), 1));
        this.quantizer = quantizer;
        addChildBlock("quantizer", quantizer);
        this.postQuantConv = addChildBlock("post_quant_conv", Layers.conv(m.zChannels(), 1));
        this.decoder = addChildBlock("decoder", Decoder.build(m, imageSize, channels));
    }

    /** Encoder and quantizer only (utilization needs nothing more). */
    public QuantizerOutput encode(ParameterStore ps, NDArray images, boolean training) {
        return quantizer.quantize(ps, latents(ps, images, training), training);
    }

    /** Encoder and quant conv: the vectors the quantizer sees, (N, D, S/f, S/f). */
    public NDArray latents(ParameterStore ps, NDArray images, boolean training) {
        NDList z = encoder.forward(ps, new NDList(images), training);
        return quantConv.forward(ps, z, training).singletonOrThrow();
    }

    /** Decoder from quantized latents (N, D, h, w). */
    public NDArray decode(ParameterStore ps, NDArray quantized, boolean training) {
        NDList h = postQuantConv.forward(ps, new NDList(quantized), training);
        return decoder.forward(ps, h, training).singletonOrThrow();
    }

    /**
     * The same as {@link #decode}, run layer by layer so the input of the decoder's last layer
     * ({@link #decoderLastLayer()}) is returned too.
     */
    public Decoded decodeForLoss(ParameterStore ps, NDArray quantized, boolean training) {
        NDList h = postQuantConv.forward(ps, new NDList(quantized), training);
        var layers = decoder.getChildren();
        for (int i = 0; i < layers.size() - 1; i++) {
            h = layers.get(i).getValue().forward(ps, h, training);
        }
        NDArray last = h.singletonOrThrow();
        return new Decoded(
                last,
                layers.get(layers.size() - 1)
                        .getValue()
                        .forward(ps, h, training)
                        .singletonOrThrow());
    }

    /**
     * Decoder from tokens (N, h, w), or (N, h, w G) as token files lay out a quantizer's G codes per
     * position, or (N, h, w, G).
     */
    public NDArray decodeTokens(ParameterStore ps, NDArray tokens) {
        int g = quantizer.codesPerPosition();
        Shape s = tokens.getShape();
        NDArray indices = g > 1 && s.dimension() == 3 ? tokens.reshape(s.get(0), s.get(1), s.get(2) / g, g) : tokens;
        return decode(ps, quantizer.lookup(ps, indices), false);
    }

    /**
     * Decoder from continuous latents (N, D, h, w), e.g. a diffusion model's samples: each vector
     * goes through the quantizer first (its nearest code, or its own rounding), as at inference.
     * Returns the images with the quantizer's output (its indices: the codes used).
     */
    public Output decodeLatents(ParameterStore ps, NDArray latents) {
        QuantizerOutput q = quantizer.quantize(ps, latents, false);
        return new Output(decode(ps, q.quantized(), false), q);
    }

    public Output reconstruct(ParameterStore ps, NDArray images, boolean training) {
        QuantizerOutput q = encode(ps, images, training);
        return new Output(decode(ps, q.quantized(), training), q);
    }

    public Quantizer quantizer() {
        return quantizer;
    }

    /** Tokens per image, (S/f)^2 times the quantizer's codes per position. */
    public int tokensPerImage() {
        return gridSide() * gridSide() * quantizer.codesPerPosition();
    }

    /** Latent positions per side, S/f. */
    public int gridSide() {
        return imageSize / downsample;
    }

    public int imageSize() {
        return imageSize;
    }

    public int channels() {
        return channels;
    }

    /**
     * The decoder's last convolution (stride 1, "same" padding, see {@link Layers#conv}): where the
     * adaptive GAN weight compares gradient norms.
     */
    public Block decoderLastLayer() {
        var children = decoder.getChildren();
        return children.get(children.size() - 1).getValue();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        Output out = reconstruct(ps, inputs.singletonOrThrow(), training);
        return new NDList(
                out.reconstruction(), out.quantized().indices(), out.quantized().loss());
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        encoder.initialize(manager, dataType, x);
        Shape z = encoder.getOutputShapes(new Shape[] {x})[0];
        quantConv.initialize(manager, dataType, z);
        Shape e = quantConv.getOutputShapes(new Shape[] {z})[0];
        quantizer.initialize(manager, dataType, e);
        postQuantConv.initialize(manager, dataType, e);
        decoder.initialize(manager, dataType, z);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        int side = gridSide();
        int g = quantizer.codesPerPosition();
        Shape indices = g == 1 ? new Shape(x.get(0), side, side) : new Shape(x.get(0), side, side, g);
        return new Shape[] {x, indices, new Shape()};
    }
}
