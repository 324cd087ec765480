package io.github.vqlc.models.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.github.vqlc.core.engine.TorchOps;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Adam (Kingma and Ba) as PyTorch computes it: m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2,
 * p -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps). Unlike DJL's optimizer its moments are
 * plain arrays that {@link #state()} / {@link #restore} save and load, so a resumed run continues
 * exactly. Gradients are zeroed after each update (the PyTorch engine accumulates them).
 *
 * <p>With a weight decay it is AdamW (Loshchilov and Hutter): before the Adam update the selected
 * parameters shrink by p -= lr * wd * p, decoupled from the gradient moments, as PyTorch's AdamW.
 */
public final class Adam {

    private final List<Parameter> parameters = new ArrayList<>();
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final NDManager manager;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final double weightDecay;
    private final List<Boolean> decayed = new ArrayList<>();
    private long t;

    /** Optimizes the trainable parameters among {@code params}; moments live in {@code manager}. */
    public Adam(List<Parameter> params, NDManager manager, double beta1, double beta2, double eps) {
        this(params, manager, beta1, beta2, eps, 0, p -> false);
    }

    /**
     * AdamW: like {@link #Adam(List, NDManager, double, double, double)}, plus decoupled weight decay
     * {@code weightDecay} on the parameters {@code decay} selects (typically weight matrices only).
     */
    public Adam(
            List<Parameter> params,
            NDManager manager,
            double beta1,
            double beta2,
            double eps,
            double weightDecay,
            Predicate<Parameter> decay) {
        this.manager = manager;
        this.weightDecay = weightDecay;
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
        for (Parameter p : params) {
            if (!p.requiresGradient()) {
                continue;
            }
            NDArray w = p.getArray();
            parameters.add(p);
            decayed.add(weightDecay > 0 && decay.test(p));
            NDArray mi = manager.zeros(w.getShape(), w.getDataType(), w.getDevice());
            NDArray vi = manager.zeros(w.getShape(), w.getDataType(), w.getDevice());
            mi.setName("m." + parameters.size());
            vi.setName("v." + parameters.size());
            m.add(mi);
            v.add(vi);
        }
    }

    /** One update of every parameter that has a gradient, then zeroes the gradients. */
    public void step(double lr) {
        t++;
        float bc1 = 1f - (float) Math.pow(beta1, t);
        float bc2 = 1f - (float) Math.pow(beta2, t);
        float stepSize = (float) (lr / bc1);
        float sqrtBc2 = (float) Math.sqrt(bc2);
        try (NDManager scratch = manager.newSubManager()) { // one scratch space for the whole update
            for (int i = 0; i < parameters.size(); i++) {
                NDArray w = parameters.get(i).getArray();
                if (!w.hasGradient()) {
                    continue;
                }
                if (decayed.get(i)) {
                    w.muli((float) (1.0 - lr * weightDecay));
                }
                NDArray g = w.getGradient();
                g.attach(scratch);
                NDArray mi = m.get(i);
                NDArray vi = v.get(i);
                mi.muli(beta1).addi(g.mul(1f - beta1));
                vi.muli(beta2).addi(g.square().muli(1f - beta2));
                NDArray denom = vi.sqrt();
                denom.attach(scratch);
                denom.divi(sqrtBc2).addi(eps);
                NDArray update = mi.div(denom);
                update.attach(scratch);
                w.subi(update.muli(stepSize));
                TorchOps.zeroGradient(w);
            }
        }
    }

    /**
     * Marks the trainable parameters of {@code block} for autograd; needed after initialization and
     * after loading a checkpoint, which replaces the arrays.
     */
    public static void attachGradients(Block block) {
        for (Parameter p : block.getParameters().values()) {
            if (p.requiresGradient() && !p.getArray().hasGradient()) {
                p.getArray().setRequiresGradient(true);
            }
        }
    }

    /** Zeroes the gradients of this optimizer's parameters (e.g. those a generator step left in a discriminator). */
    public void zeroGradients() {
        for (Parameter p : parameters) {
            NDArray w = p.getArray();
            if (w.hasGradient()) {
                TorchOps.zeroGradient(w);
            }
        }
    }

    /** Whether every gradient is finite (one host round trip). */
    public boolean gradientsFinite() {
        NDArray total = null;
        for (Parameter p : parameters) {
            NDArray w = p.getArray();
            if (w.hasGradient()) {
                NDArray s = w.getGradient().sum();
                total = total == null ? s : total.add(s);
            }
        }
        return total == null || Float.isFinite(total.getFloat());
    }

    public long stepCount() {
        return t;
    }

    /** Moments named m.i / v.i, in parameter order; the step count is saved by the caller. */
    public NDList state() {
        NDList list = new NDList();
        list.addAll(m);
        list.addAll(v);
        return list;
    }

    /** Restores moments saved by {@link #state()} and the step count. */
    public void restore(NDList saved, long steps) {
        if (saved.size() != 2 * m.size()) {
            throw new IllegalStateException(
                    "optimizer state has " + saved.size() + " arrays, expected " + 2 * m.size());
        }
        for (int i = 0; i < m.size(); i++) {
            copyInto(saved.get(i), m.get(i));
            copyInto(saved.get(m.size() + i), v.get(i));
        }
        t = steps;
    }

    private static void copyInto(NDArray source, NDArray target) {
        if (!source.getShape().equals(target.getShape())) {
            throw new IllegalStateException("optimizer state shape " + source.getShape() + " != " + target.getShape());
        }
        target.set(source.toDevice(target.getDevice(), false).toFloatArray());
    }
}
