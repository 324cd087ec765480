package io.github.vqlc.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import io.github.vqlc.core.engine.TorchOps;

/**
 * Group normalization (Wu and He, 2018), which DJL does not provide.
 *
 * <p>Input (N, C, H, W); channels split into {@code groups} groups, each normalized over its
 * (C/G, H, W) values with the biased variance, then a per-channel affine gamma, beta stored as
 * (1, C, 1, 1) so no per-step reshape of a parameter is needed. The statistics come from the
 * engine's fused layer norm over the (N, G, C/G*H*W) view, ~50x faster in backward than composing
 * them from elementary ops; {@code GroupNormTest} holds that composition as the reference the
 * layer must equal in values and gradients.
 */
public final class GroupNorm extends AbstractBlock {

    private final int groups;
    private final float eps;
    private final Parameter gamma;
    private final Parameter beta;

    public GroupNorm(int groups, int channels, float eps) {
        super((byte) 1);
        if (channels % groups != 0) {
            throw new IllegalArgumentException("channels " + channels + " not divisible by groups " + groups);
        }
        this.groups = groups;
        this.eps = eps;
        gamma = addParameter(Parameter.builder()
                .setName("gamma")
                .setType(Parameter.Type.GAMMA)
                .optInitializer(new ConstantInitializer(1f))
                .optShape(new Shape(1, channels, 1, 1))
                .build());
        beta = addParameter(Parameter.builder()
                .setName("beta")
                .setType(Parameter.Type.BETA)
                .optInitializer(new ConstantInitializer(0f))
                .optShape(new Shape(1, channels, 1, 1))
                .build());
    }

    /** The usual VQGAN norm: 32 groups (fewer when the channel count is small), eps 1e-6. */
    public static GroupNorm of(int channels) {
        int g = 32;
        while (channels % g != 0) {
            g /= 2;
        }
        return new GroupNorm(g, channels, 1e-6f);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        NDArray w = ps.getValue(gamma, x.getDevice(), training);
        NDArray b = ps.getValue(beta, x.getDevice(), training);
        long n = s.get(0);
        NDArray g = x.reshape(n, groups, -1);
        return new NDList(normalize(g, eps).reshape(s).mul(w).add(b));
    }

    /** Zero mean, unit (biased) variance over the last axis of (N, G, M). */
    static NDArray normalize(NDArray g, float eps) {
        NDManager mm = g.getManager();
        long m = g.getShape().get(2);
        // the engine's layer norm wants an affine of the normalized shape: identity here
        NDArray one = mm.ones(new Shape(m), g.getDataType(), g.getDevice());
        NDArray zero = mm.zeros(new Shape(m), g.getDataType(), g.getDevice());
        return TorchOps.layerNorm(g, new Shape(m), one, zero, eps);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
