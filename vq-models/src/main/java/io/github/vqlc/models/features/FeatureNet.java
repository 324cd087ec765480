package io.github.vqlc.models.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.vqlc.models.nn.Layers;

/**
 * The in-project feature network: a small CNN classifier whose intermediate map plays the role of
 * CLIP's patch tokens and whose penultimate vector plays the role of Inception's pool3 features.
 *
 * <p>Input (B, C, S, S) in [-1, 1], S divisible by {@value #DOWNSAMPLE}. With width w and depth
 * d (the conv3 layers per stage, 1 by default):
 * <pre>
 * trunk: d x conv3 w, stride-2 conv 2w, d x conv3 2w, stride-2 conv 4w, d x conv3 4w -> patch map (B, 4w, S/4, S/4)
 * head:  stride-2 conv 8w, d x conv3 8w, global average pool                         -> global   (B, 8w)
 * classifier: linear 8w -> classes                                                    -> logits   (B, K)
 * </pre>
 * Two networks of different width, depth and seed give an rFID extractor independent of the
 * network a tokenizer was trained against (perceptual loss, codebook features).
 * Every convolution is followed by batch norm and ReLU. Batch norm, not the group norm of the
 * autoencoder: with few channels per group, group norm before the global average pool removes
 * most of what the pool could see (a width-2 net did not learn at all), and batch norm is faster.
 */
public final class FeatureNet extends AbstractBlock {

    /** Total downsampling of the network; the patch map is at S/4. */
    public static final int DOWNSAMPLE = 8;

    private final Architecture arch;
    private final SequentialBlock trunk;
    private final SequentialBlock head;
    private final Block classifier;

    /**
     * What determines the network's shape; stored in {@code feature-net.json}.
     *
     * @param channels image channels C
     * @param imageSize image side S
     * @param width channels w of the first stage
     * @param numClasses classifier outputs K
     * @param depth conv3 layers per stage
     */
    public record Architecture(int channels, int imageSize, int width, int numClasses, int depth) {
        public Architecture {
            if (channels < 1 || width < 1 || numClasses < 2 || depth < 1) {
                throw new IllegalArgumentException(
                        "feature net needs channels >= 1, width >= 1, classes >= 2, depth >= 1; got " + channels + ", "
                                + width + ", " + numClasses + ", " + depth);
            }
            if (imageSize < DOWNSAMPLE || imageSize % DOWNSAMPLE != 0) {
                throw new IllegalArgumentException(
                        "feature net image size must be a multiple of " + DOWNSAMPLE + ", got " + imageSize);
            }
        }

        /** Depth 1, the default network. */
        public Architecture(int channels, int imageSize, int width, int numClasses) {
            this(channels, imageSize, width, numClasses, 1);
        }

        /** Channels Dp of the patch map. */
        public int patchDim() {
            return 4 * width;
        }

        /** Side of the patch map, S/4. */
        public int patchGrid() {
            return imageSize / 4;
        }

        /** Width Dg of the global vector. */
        public int globalDim() {
            return 8 * width;
        }
    }

    public FeatureNet(Architecture arch) {
        super((byte) 1);
        this.arch = arch;
        int w = arch.width();
        trunk = addChildBlock("trunk", new SequentialBlock());
        convs(trunk, w, arch.depth());
        stage(trunk, Layers.downsample(2 * w));
        convs(trunk, 2 * w, arch.depth());
        stage(trunk, Layers.downsample(4 * w));
        convs(trunk, 4 * w, arch.depth());
        head = addChildBlock("head", new SequentialBlock());
        stage(head, Layers.downsample(8 * w));
        convs(head, 8 * w, arch.depth());
        classifier = addChildBlock(
                "classifier", Linear.builder().setUnits(arch.numClasses()).build());
    }

    private static void convs(SequentialBlock net, int channels, int depth) {
        for (int i = 0; i < depth; i++) {
            stage(net, Layers.conv(channels, 3));
        }
    }

    private static void stage(SequentialBlock net, Block conv) {
        net.add(conv).add(BatchNorm.builder().build()).add(Activation.reluBlock());
    }

    public Architecture architecture() {
        return arch;
    }

    /** Patch map (B, 4w, S/4, S/4). */
    public NDArray patchFeatures(ParameterStore ps, NDArray images, boolean training) {
        return trunk.forward(ps, new NDList(images), training).singletonOrThrow();
    }

    /** Global vector (B, 8w) from a patch map. */
    public NDArray globalFromPatches(ParameterStore ps, NDArray patches, boolean training) {
        NDArray h = head.forward(ps, new NDList(patches), training).singletonOrThrow();
        // global average pool; the engine's mean takes one axis at a time
        return h.reshape(h.getShape().get(0), h.getShape().get(1), -1).mean(new int[] {2});
    }

    /** Class logits (B, K) from global vectors. */
    public NDArray logits(ParameterStore ps, NDArray global, boolean training) {
        return classifier.forward(ps, new NDList(global), training).singletonOrThrow();
    }

    /** Class logits (B, K) of images. */
    public NDArray classify(ParameterStore ps, NDArray images, boolean training) {
        return logits(ps, globalFromPatches(ps, patchFeatures(ps, images, training), training), training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(classify(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        trunk.initialize(manager, dataType, x);
        Shape p = trunk.getOutputShapes(new Shape[] {x})[0];
        head.initialize(manager, dataType, p);
        classifier.initialize(manager, dataType, new Shape(x.get(0), arch.globalDim()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), arch.numClasses())};
    }
}
