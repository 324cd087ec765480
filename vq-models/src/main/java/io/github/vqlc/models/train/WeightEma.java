package io.github.vqlc.models.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * Exponential moving average of a network's weights, shadow = decay * shadow + (1 - decay) * w
 * after every update, for samples and evaluation (the weights training continues from are not
 * touched). Buffers that change without gradient (an EMA codebook) are averaged too; frozen ones
 * stay equal to themselves.
 *
 * <p>{@link #swapIn()} puts the averages into the network and returns a handle whose
 * {@code close()} puts the training weights back.
 */
public final class WeightEma {

    private final List<Parameter> parameters;
    private final List<NDArray> shadow = new ArrayList<>();
    private final float decay;

    public WeightEma(Block block, NDManager manager, double decay) {
        this.parameters = List.copyOf(block.getParameters().values());
        this.decay = (float) decay;
        for (Parameter p : parameters) {
            NDArray copy = p.getArray().duplicate();
            copy.attach(manager);
            shadow.add(copy);
        }
    }

    /** Restarts every average at the current weights (after a data-dependent initialization). */
    public void resync() {
        for (int i = 0; i < parameters.size(); i++) {
            shadow.get(i).set(new NDIndex("..."), parameters.get(i).getArray().stopGradient());
        }
    }

    /** One averaging step (outside autograd). */
    public void update() {
        for (int i = 0; i < parameters.size(); i++) {
            NDArray w = parameters.get(i).getArray();
            NDArray s = shadow.get(i);
            NDArray delta = w.sub(s); // attaches to w's manager: close it at once
            s.addi(delta.muli(1f - decay));
            delta.close();
        }
    }

    /** The averages as a list in parameter order (for checkpoints). */
    public NDList state() {
        return new NDList(shadow);
    }

    /** Restores averages saved by {@link #state()}. */
    public void restore(NDList saved) {
        if (saved.size() != shadow.size()) {
            throw new IllegalStateException("EMA state has " + saved.size() + " arrays, expected " + shadow.size());
        }
        for (int i = 0; i < shadow.size(); i++) {
            copy(saved.get(i), shadow.get(i));
        }
    }

    /** Puts the averages into the network until the returned handle is closed. */
    public Swap swapIn() {
        List<NDArray> training = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            NDArray w = parameters.get(i).getArray();
            NDArray backup = w.duplicate();
            training.add(backup);
            copy(shadow.get(i), w);
        }
        return () -> {
            for (int i = 0; i < parameters.size(); i++) {
                copy(training.get(i), parameters.get(i).getArray());
                training.get(i).close();
            }
        };
    }

    /** Puts averages read from a checkpoint straight into a network (evaluation of an EMA run). */
    public static void load(Block block, NDList saved) {
        List<Parameter> params = List.copyOf(block.getParameters().values());
        if (saved.size() != params.size()) {
            throw new IllegalStateException("EMA state has " + saved.size() + " arrays, expected " + params.size());
        }
        for (int i = 0; i < params.size(); i++) {
            copy(saved.get(i), params.get(i).getArray());
        }
    }

    private static void copy(NDArray source, NDArray target) {
        if (!source.getShape().equals(target.getShape())) {
            throw new IllegalStateException("EMA shape " + source.getShape() + " != " + target.getShape());
        }
        // in place, so autograd leaves and the optimizer's references stay the same arrays
        NDArray s = source.toDevice(target.getDevice(), false);
        target.subi(target).addi(s);
    }

    /** Restores the training weights. */
    public interface Swap extends AutoCloseable {
        @Override
        void close();
    }
}
