package io.github.vqlc.models.gan;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Batch normalization over the union of several replicas' batches (synchronized BatchNorm): the
 * mean and variance per channel are those of all replicas' activations together, as one device
 * would compute them on the whole batch, and gradients flow through the shared statistics to every
 * replica's activations. Every replica's running statistics get the same update.
 *
 * <p>The statistics are reduced through the first replica's device with {@code toDevice} copies
 * (DJL has no all-reduce); the variance is computed from centred values (two reductions), not as
 * E[x^2] - E[x]^2, to keep float32 precision. Uses DJL's BatchNorm defaults for a (N, C, H, W)
 * input: epsilon 1e-5, momentum 0.9 (running = 0.9 running + 0.1 batch; the running variance takes
 * the unbiased batch variance, as PyTorch).
 */
public final class SyncBatchNorm {

    static final float EPSILON = 1e-5f;
    static final float MOMENTUM = 0.9f;

    private SyncBatchNorm() {}

    /**
     * @param norms the same BatchNorm layer of each replica
     * @param stores each replica's parameter store
     * @param inputs each replica's activations (N_i, C, H, W)
     * @return each replica's normalized activations
     */
    public static List<NDArray> forward(
            List<BatchNorm> norms, List<ParameterStore> stores, List<NDArray> inputs, boolean training) {
        int n = inputs.size();
        List<NDArray> out = new ArrayList<>(n);
        if (!training) {
            for (int i = 0; i < n; i++) {
                out.add(norms.get(i)
                        .forward(stores.get(i), new NDList(inputs.get(i)), false)
                        .singletonOrThrow());
            }
            return out;
        }
        Device home = inputs.get(0).getDevice();
        long channels = inputs.get(0).getShape().get(1);
        Shape perChannel = new Shape(1, channels, 1, 1);
        long count = 0;
        for (NDArray x : inputs) {
            count += x.getShape().size() / channels;
        }
        NDArray mean = sumOnHome(inputs, null, home).div((float) count);
        List<NDArray> centred = new ArrayList<>(n);
        for (NDArray x : inputs) {
            centred.add(x.sub(mean.toDevice(x.getDevice(), false).reshape(perChannel)));
        }
        NDArray sumSquares = sumOnHome(centred, centred, home);
        NDArray var = sumSquares.div((float) count);
        for (int i = 0; i < n; i++) {
            NDArray x = centred.get(i);
            Device d = x.getDevice();
            ParameterStore ps = stores.get(i);
            BatchNorm bn = norms.get(i);
            NDArray gamma = ps.getValue(param(bn, "gamma"), d, true);
            NDArray beta = ps.getValue(param(bn, "beta"), d, true);
            NDArray std = var.toDevice(d, false).add(EPSILON).sqrt().reshape(perChannel);
            out.add(x.div(std).mul(gamma.reshape(perChannel)).add(beta.reshape(perChannel)));
        }
        NDArray batchMean = mean.stopGradient();
        NDArray unbiased = sumSquares.stopGradient().div((float) Math.max(1, count - 1));
        for (BatchNorm bn : norms) {
            update(param(bn, "runningMean"), batchMean);
            update(param(bn, "runningVar"), unbiased);
        }
        return out;
    }

    /** Per-channel sums over (N, H, W) of {@code a} (times {@code b} when given), added on {@code home}. */
    private static NDArray sumOnHome(List<NDArray> a, List<NDArray> b, Device home) {
        NDArray total = null;
        for (int i = 0; i < a.size(); i++) {
            NDArray x = b == null ? a.get(i) : a.get(i).mul(b.get(i));
            NDArray s = x.sum(new int[] {0, 2, 3}).toDevice(home, false);
            total = total == null ? s : total.add(s);
        }
        return total;
    }

    /** running = momentum running + (1 - momentum) value, in place, outside autograd. */
    private static void update(Parameter running, NDArray value) {
        NDArray r = running.getArray().stopGradient(); // detached alias: writes land in the buffer
        NDArray v = value.toDevice(r.getDevice(), false);
        r.muli(MOMENTUM).addi(v.mul(1f - MOMENTUM)); // the product lives in the step's manager
        r.close();
    }

    private static Parameter param(BatchNorm bn, String name) {
        return bn.getParameters().get(name);
    }
}
