package io.github.vqlc.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.ops.Scalars;

/**
 * SiT's training objective (Ma et al. 2024) with the linear interpolant: x_t = (1 - t) x_0 + t e
 * for data x_0 and noise e ~ N(0, I), t ~ U(0, 1); the model predicts the velocity e - x_0, loss =
 * mean squared error. Classes dropped for classifier-free guidance arrive as the "no class" index.
 */
public final class VelocityObjective {

    private VelocityObjective() {}

    /** x_t for data x0 (B, C, H, W), noise (same shape), times t (B). */
    public static NDArray interpolate(NDArray x0, NDArray noise, NDArray t) {
        NDArray tt = t.reshape(t.getShape().get(0), 1, 1, 1);
        return x0.mul(Scalars.add(tt.neg(), 1f)).add(noise.mul(tt));
    }

    /** mean((model(x_t, t, y) - (e - x_0))^2), a scalar with gradient to the model. */
    public static NDArray loss(
            DiffusionTransformer model, ParameterStore ps, NDArray x0, NDArray noise, NDArray t, NDArray y) {
        NDArray prediction = model.forward(ps, interpolate(x0, noise, t), t, y, true);
        NDArray error = prediction.sub(noise.sub(x0));
        return error.mul(error).mean();
    }
}
