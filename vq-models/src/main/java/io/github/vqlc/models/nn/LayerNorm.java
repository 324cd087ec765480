package io.github.vqlc.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * Layer normalization (Ba et al., 2016) over the last axis: input (..., C), biased variance,
 * eps inside the square root, then gamma, beta of shape (C) (or no affine part: {@link
 * #withoutAffine}, DiT's norms before adaLN modulation).
 *
 * <p>Composed from elementary ops, like {@link GroupNorm}, rather than the engine's fused
 * {@code layerNorm}: that one returned NaN gradients at random with two intra-op threads
 * (docs/djl-pitfalls.md). Over the small last axis of a transformer (C = 256..1024) the
 * composition costs little next to the matrix products.
 */
public final class LayerNorm extends AbstractBlock {

    private final float eps;
    private final Parameter gamma;
    private final Parameter beta;

    public LayerNorm(int channels, float eps) {
        this(channels, eps, true);
    }

    private LayerNorm(int channels, float eps, boolean affine) {
        super((byte) 1);
        this.eps = eps;
        if (!affine) {
            gamma = null;
            beta = null;
            return;
        }
        gamma = addParameter(Parameter.builder()
                .setName("gamma")
                .setType(Parameter.Type.GAMMA)
                .optInitializer(new ConstantInitializer(1f))
                .optShape(new Shape(channels))
                .build());
        beta = addParameter(Parameter.builder()
                .setName("beta")
                .setType(Parameter.Type.BETA)
                .optInitializer(new ConstantInitializer(0f))
                .optShape(new Shape(channels))
                .build());
    }

    /** eps 1e-5, PyTorch's default. */
    public static LayerNorm of(int channels) {
        return new LayerNorm(channels, 1e-5f);
    }

    /** Normalization over the last axis only, without gamma and beta (no parameters). */
    public static LayerNorm withoutAffine(float eps) {
        return new LayerNorm(0, eps, false);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        int last = x.getShape().dimension() - 1;
        NDArray centered = x.sub(x.mean(new int[] {last}, true));
        NDArray std = centered.square().mean(new int[] {last}, true).add(eps).sqrt();
        NDArray normalized = centered.div(std);
        if (gamma == null) {
            return new NDList(normalized);
        }
        NDArray w = ps.getValue(gamma, x.getDevice(), training);
        NDArray b = ps.getValue(beta, x.getDevice(), training);
        return new NDList(normalized.mul(w).add(b));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
