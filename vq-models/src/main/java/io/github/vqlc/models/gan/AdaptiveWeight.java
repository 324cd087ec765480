package io.github.vqlc.models.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import io.github.vqlc.core.engine.TorchOps;
import io.github.vqlc.core.ops.Scalars;

/**
 * The adaptive GAN weight of VQGAN (Esser et al. 2021):
 * lambda = ||dL_rec/dW|| / (||dL_gan/dW|| + 1e-4), clamped to [0, max], where W is the weight of
 * the decoder's last convolution.
 *
 * <p>DJL has no {@code autograd.grad}, and a full backward per term would double the cost of a
 * step. But the gradient at W depends only on the layer's input h and on the gradient that reaches
 * the layer's output: dL/dW = conv_weight_grad(h, dL/dy). So the caller backpropagates each term
 * only to the reconstruction y (through the perceptual and discriminator networks), and this class
 * turns the two output gradients into the two weight gradients with one small convolution on a
 * detached copy of W and h, backpropagated twice. No parameter's gradient is touched.
 * Call it inside an open {@link ai.djl.training.GradientCollector} (grad mode on).
 */
public final class AdaptiveWeight {

    private static final float EPS = 1e-4f;

    private AdaptiveWeight() {}

    /**
     * @param lastInput input h of the last conv (N, Cin, S, S)
     * @param weight the last conv's weight (Cout, Cin, k, k), stride 1, padding k / 2
     * @param gradRec dL_rec/dy (N, Cout, S, S)
     * @param gradGan dL_gan/dy (N, Cout, S, S)
     * @param max upper clamp
     * @return lambda as a scalar array (no gradient), on the device of {@code gradRec}
     */
    public static NDArray lambda(NDArray lastInput, NDArray weight, NDArray gradRec, NDArray gradGan, double max) {
        NDArray[] grads = weightGradients(lastInput, weight, gradRec, gradGan);
        return fromWeightGradients(grads[0], grads[1], max);
    }

    /**
     * lambda from the two weight gradients dL_rec/dW and dL_gan/dW (data parallel training averages
     * them over the replicas first, so lambda is the whole batch's).
     */
    public static NDArray fromWeightGradients(NDArray recGrad, NDArray ganGrad, double max) {
        NDArray ratio = recGrad.norm().div(Scalars.add(ganGrad.norm(), EPS));
        return ratio.clip(0, max);
    }

    /** ||dL/dW|| for each given output gradient dL/dy, in order. */
    static NDArray[] weightGradientNorms(NDArray lastInput, NDArray weight, NDArray... outputGrads) {
        NDArray[] grads = weightGradients(lastInput, weight, outputGrads);
        NDArray[] norms = new NDArray[grads.length];
        for (int i = 0; i < grads.length; i++) {
            norms[i] = grads[i].norm();
        }
        return norms;
    }

    /** dL/dW for each given output gradient dL/dy, in order (copies, no graph). */
    public static NDArray[] weightGradients(NDArray lastInput, NDArray weight, NDArray... outputGrads) {
        long k = weight.getShape().get(2);
        NDArray h = lastInput.stopGradient();
        NDArray w = weight.stopGradient();
        w.attach(h.getManager()); // the detached view would otherwise live (and leak) in the model's manager
        w.setRequiresGradient(true);
        NDArray y = Conv2d.conv2d(h, w, null, new Shape(1, 1), new Shape(k / 2, k / 2))
                .singletonOrThrow();
        NDArray[] grads = new NDArray[outputGrads.length];
        for (int i = 0; i < outputGrads.length; i++) {
            boolean more = i < outputGrads.length - 1;
            TorchOps.backward(y, outputGrads[i], more);
            NDArray g = w.getGradient();
            grads[i] = g.duplicate();
            g.close();
            if (more) {
                TorchOps.zeroGradient(w);
            }
        }
        return grads;
    }
}
