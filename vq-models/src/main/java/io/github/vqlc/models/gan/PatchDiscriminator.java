package io.github.vqlc.models.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.github.vqlc.models.nn.PaddedConv2d;
import java.util.ArrayList;
import java.util.List;

/**
 * PatchGAN discriminator (Isola et al. 2017) in the layout taming-transformers uses: a 4x4
 * stride-2 conv with {@code filters} channels and LeakyReLU(0.2); {@code layers - 1} more 4x4
 * stride-2 convs doubling the channels (at most 8x), each with BatchNorm (or none) and LeakyReLU; a
 * 4x4 stride-1 conv with norm and LeakyReLU; a 4x4 stride-1 conv to one logit per patch.
 * Conv weights start from N(0, 0.02) as in DCGAN. Convs followed by BatchNorm have no bias.
 *
 * <p>Input images (N, C, S, S) in [-1, 1]; output logits (N, 1, h, w), e.g. 6x6 for 32 px and
 * {@code layers = 2}, 30x30 for 256 px and {@code layers = 3}.
 */
public final class PatchDiscriminator extends AbstractBlock {

    private final SequentialBlock net;

    public PatchDiscriminator(DiscriminatorConfig config) {
        super((byte) 1);
        boolean batchNorm = config.norm().equals("batch");
        net = new SequentialBlock();
        net.add(conv(config.filters(), 2, true)).add(leakyRelu());
        int mult = 1;
        for (int n = 1; n <= config.layers(); n++) {
            mult = Math.min(1 << n, 8);
            boolean last = n == config.layers();
            net.add(conv(config.filters() * mult, last ? 1 : 2, !batchNorm));
            if (batchNorm) {
                net.add(BatchNorm.builder().build());
            }
            net.add(leakyRelu());
        }
        net.add(conv(1, 1, true));
        addChildBlock("layers", net);
        net.setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
    }

    /** Patch logits (N, 1, h, w) of images (N, C, S, S). */
    public NDArray logits(ParameterStore ps, NDArray images, boolean training) {
        return net.forward(ps, new NDList(images), training).singletonOrThrow();
    }

    /**
     * Patch logits of several replicas of this discriminator, each on its own images, as one
     * discriminator would compute them on all images together: BatchNorm layers normalize with the
     * statistics of every replica's activations ({@link SyncBatchNorm}). One replica: {@link #logits}.
     */
    public static List<NDArray> logits(
            List<PatchDiscriminator> replicas, List<ParameterStore> stores, List<NDArray> images, boolean training) {
        int n = replicas.size();
        if (n == 1) {
            return List.of(replicas.get(0).logits(stores.get(0), images.get(0), training));
        }
        List<NDArray> x = new ArrayList<>(images);
        List<Block> layers = replicas.get(0).net.getChildren().values();
        for (int l = 0; l < layers.size(); l++) {
            if (layers.get(l) instanceof BatchNorm) {
                List<BatchNorm> norms = new ArrayList<>(n);
                for (PatchDiscriminator d : replicas) {
                    norms.add((BatchNorm) d.net.getChildren().get(l).getValue());
                }
                x = SyncBatchNorm.forward(norms, stores, x, training);
                continue;
            }
            for (int i = 0; i < n; i++) {
                Block layer = replicas.get(i).net.getChildren().get(l).getValue();
                x.set(
                        i,
                        layer.forward(stores.get(i), new NDList(x.get(i)), training)
                                .singletonOrThrow());
            }
        }
        return x;
    }

    private static Conv2d conv(int filters, int stride, boolean bias) {
        // padded filters: the last layer has one channel, whose input gradient oneDNN gets wrong (PaddedConv2d)
        return new PaddedConv2d(Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(4, 4))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(1, 1))
                .optBias(bias));
    }

    private static Block leakyRelu() {
        return new LambdaBlock(list -> new NDList(Activation.leakyRelu(list.singletonOrThrow(), 0.2f)), "leaky_relu");
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return net.forward(ps, inputs, training);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        net.initialize(manager, dataType, inputShapes);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return net.getOutputShapes(inputShapes);
    }
}
