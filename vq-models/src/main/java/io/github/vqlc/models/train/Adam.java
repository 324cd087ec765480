package io.github.vqlc.models.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
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
    /** Per-parameter views of {@link #mFlat} and {@link #vFlat} (what checkpoints hold). */
    private final List<NDArray> m = new ArrayList<>();

    private final List<NDArray> v = new ArrayList<>();
    /** Both moments of all parameters, concatenated in parameter order (null: no parameters). */
    private final NDArray mFlat;

    private final NDArray vFlat;
    /** Element offsets of parameters 1..n-1 in the flat moments (split points). */
    private final long[] offsets;

    private final NDManager manager;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final double weightDecay;
    private final List<Boolean> decayed = new ArrayList<>();
    private long t;
    private boolean flatUpdates = true;

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
        long total = 0;
        List<Long> starts = new ArrayList<>();
        for (Parameter p : params) {
            if (!p.requiresGradient()) {
                continue;
            }
            parameters.add(p);
            decayed.add(weightDecay > 0 && decay.test(p));
            starts.add(total);
            total += p.getArray().getShape().size();
        }
        offsets = starts.stream().skip(1).mapToLong(Long::longValue).toArray();
        if (parameters.isEmpty()) {
            mFlat = null;
            vFlat = null;
            return;
        }
        NDArray first = parameters.get(0).getArray();
        mFlat = manager.zeros(new Shape(total), first.getDataType(), first.getDevice());
        vFlat = manager.zeros(new Shape(total), first.getDataType(), first.getDevice());
        for (int i = 0; i < parameters.size(); i++) {
            Shape shape = parameters.get(i).getArray().getShape();
            NDIndex slice = new NDIndex().addSliceDim(starts.get(i), starts.get(i) + shape.size());
            NDArray mi = mFlat.get(slice).reshape(shape); // views: writing them writes the flat moments
            NDArray vi = vFlat.get(slice).reshape(shape);
            mi.setName("m." + (i + 1));
            vi.setName("v." + (i + 1));
            m.add(mi);
            v.add(vi);
        }
    }

    /**
     * One update of every parameter that has a gradient, then zeroes the gradients. When every
     * parameter has one (the usual case), the moments and the update are computed once over all
     * parameters concatenated: about 4 engine calls per parameter instead of 14, with the same
     * element-wise operations and so the same bits.
     */
    public void step(double lr) {
        t++;
        float bc1 = 1f - (float) Math.pow(beta1, t);
        float bc2 = 1f - (float) Math.pow(beta2, t);
        float stepSize = (float) (lr / bc1);
        float sqrtBc2 = (float) Math.sqrt(bc2);
        if (parameters.isEmpty()) {
            return;
        }
        if (flatUpdates && flatUpdatePossible()) {
            flatStep(lr, stepSize, sqrtBc2);
            return;
        }
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
     * Zeroes both moments of rows {@code rows} (int64, first axis) of {@code parameter}: a row the
     * model overwrote (a restarted code) starts its moments afresh. A parameter this optimizer does
     * not train is ignored.
     */
    public void resetRows(Parameter parameter, NDArray rows) {
        int i = parameters.indexOf(parameter);
        if (i < 0 || rows.size() == 0) {
            return;
        }
        NDIndex index = new NDIndex("{}", rows);
        m.get(i).set(index, 0f); // the views write through to the flat moments
        v.get(i).set(index, 0f);
    }

    /** Always the per-parameter update (tests compare the two). */
    Adam perParameterUpdates() {
        flatUpdates = false;
        return this;
    }

    /** Every parameter has a gradient and shares the flat moments' type and device. */
    private boolean flatUpdatePossible() {
        for (Parameter p : parameters) {
            NDArray w = p.getArray();
            if (!w.hasGradient()
                    || w.getDataType() != mFlat.getDataType()
                    || !w.getDevice().equals(mFlat.getDevice())) {
                return false;
            }
        }
        return true;
    }

    /** The update over the concatenated gradients (see {@link #step}). */
    private void flatStep(double lr, float stepSize, float sqrtBc2) {
        try (NDManager scratch = manager.newSubManager()) {
            NDList flat = new NDList(parameters.size());
            for (int i = 0; i < parameters.size(); i++) {
                NDArray w = parameters.get(i).getArray();
                if (decayed.get(i)) {
                    w.muli((float) (1.0 - lr * weightDecay));
                }
                NDArray g = w.getGradient();
                g.attach(scratch);
                NDArray row = g.reshape(-1);
                row.attach(scratch);
                flat.add(row);
            }
            NDArray g = NDArrays.concat(flat);
            g.attach(scratch);
            mFlat.muli(beta1).addi(g.mul(1f - beta1));
            vFlat.muli(beta2).addi(g.square().muli(1f - beta2));
            NDArray denom = vFlat.sqrt();
            denom.attach(scratch);
            denom.divi(sqrtBc2).addi(eps);
            NDArray update = mFlat.div(denom);
            update.attach(scratch);
            update.muli(stepSize);
            NDList parts = offsets.length == 0 ? new NDList(update) : update.split(offsets);
            parts.attach(scratch);
            for (int i = 0; i < parameters.size(); i++) {
                NDArray w = parameters.get(i).getArray();
                NDArray part = parts.get(i).reshape(w.getShape());
                part.attach(scratch);
                w.subi(part);
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
        if (!m.isEmpty()) {
            try (NDManager scratch = manager.newSubManager()) {
                copyInto(saved.subNDList(0, m.size()), m, mFlat, scratch);
                copyInto(saved.subNDList(m.size()), v, vFlat, scratch);
            }
        }
        t = steps;
    }

    /**
     * Writes the saved per-parameter arrays into the flat moments in place (an indexed assignment:
     * {@code NDArray.set(Buffer)} would give the flat array new storage and cut it off from the
     * per-parameter views).
     */
    private static void copyInto(NDList source, List<NDArray> views, NDArray flat, NDManager scratch) {
        NDList rows = new NDList(views.size());
        for (int i = 0; i < views.size(); i++) {
            NDArray s = source.get(i);
            if (!s.getShape().equals(views.get(i).getShape())) {
                throw new IllegalStateException("optimizer state shape " + s.getShape() + " != "
                        + views.get(i).getShape());
            }
            NDArray row = s.toDevice(flat.getDevice(), true)
                    .toType(flat.getDataType(), false)
                    .reshape(-1);
            row.attach(scratch);
            rows.add(row);
        }
        NDArray all = NDArrays.concat(rows);
        all.attach(scratch);
        flat.set(new NDIndex(":"), all);
    }
}
