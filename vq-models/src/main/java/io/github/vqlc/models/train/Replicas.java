package io.github.vqlc.models.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.engine.TorchOps;
import io.github.vqlc.core.spi.StateUpdates;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Data parallel replicas of the trained networks: replica 0 (the primary) is the model the run
 * saves, samples and evaluates, and holds the one optimizer state; the others are copies on their
 * own devices (or on the same device, which is how the tests simulate several GPUs).
 *
 * <p>A step splits the batch into equal contiguous shards, one per replica; each replica's
 * gradients are of its shard's mean losses, so their mean is the whole batch's gradient.
 * {@link #reduceGradients} sums the replicas' gradients into the primary's (the callers scale the
 * losses by 1 / replicas), the primary's optimizer updates, and {@link #broadcast} copies the new
 * weights to every replica. State that training forwards update without gradient (EMA codebook
 * statistics, code-usage averages) is not reduced after the fact: each replica's quantizer submits
 * its updates to a recorder here, and {@link #applyStateUpdates} hands every replica the
 * concatenation over all replicas (see {@link StateUpdates}).
 *
 * <p>DJL has no collective operations (all-reduce, broadcast) across devices; these are written here
 * with {@code toDevice} copies through the primary's device: a reduce-then-broadcast of N - 1
 * transfers each way, fine for one node of a few devices and no substitute for NCCL's ring.
 */
public final class Replicas {

    /** The replica machinery's parts, timed separately (host time, {@link #machineryMillis}). */
    public enum Phase {
        SPLIT_AND_GATHER,
        STATE_UPDATES,
        REDUCE,
        BROADCAST
    }

    private final List<Replica> replicas;
    private final long[] phaseNanos = new long[Phase.values().length];
    private final List<Recorder> recorders = new ArrayList<>();
    private final long seed;
    private int step;
    /** Deferred updates applied so far in this step (each draws from its own seed). */
    private int updatesThisStep;

    /**
     * @param replicas the primary first; every replica has the same architecture
     * @param seed seeds the random draws of deferred state updates (dead-code restarts), per step
     */
    public Replicas(List<Replica> replicas, long seed) {
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("no replicas");
        }
        this.replicas = List.copyOf(replicas);
        this.seed = seed;
        if (replicas.size() > 1) {
            for (Replica r : replicas) {
                Recorder recorder = new Recorder();
                recorders.add(recorder);
                r.model().quantizer().setStateUpdates(recorder);
            }
        }
    }

    /** One replica: no splitting, no reductions, state updates applied at once. */
    public static Replicas single(Replica replica) {
        return new Replicas(List.of(replica), 0);
    }

    public int size() {
        return replicas.size();
    }

    public Replica primary() {
        return replicas.get(0);
    }

    public List<Replica> all() {
        return replicas;
    }

    /** "2 replicas (cpu(), cpu())": the count and each replica's device. */
    public String describe() {
        List<String> devices = new ArrayList<>();
        replicas.forEach(r -> devices.add(r.device().toString()));
        return replicas.size() + " replicas (" + String.join(", ", devices) + ")";
    }

    /** Equal contiguous shards of {@code batch} (first axis), each on its replica's device. */
    public List<NDArray> split(NDArray batch) {
        return timed(Phase.SPLIT_AND_GATHER, () -> {
            if (replicas.size() == 1) {
                return List.of(batch);
            }
            long b = batch.getShape().get(0);
            if (b % replicas.size() != 0) {
                throw new UserException("a batch of " + b + " images does not split evenly over " + replicas.size()
                        + " replicas (train.batch-size must be a multiple of the device count)");
            }
            NDList parts = batch.split(replicas.size());
            List<NDArray> shards = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                shards.add(parts.get(i).toDevice(replicas.get(i).device(), false));
            }
            return shards;
        });
    }

    /** The concatenation of per-replica arrays (first axis) on the primary's device, in replica order. */
    public NDArray gather(List<NDArray> parts) {
        return timed(Phase.SPLIT_AND_GATHER, () -> {
            if (parts.size() == 1) {
                return parts.get(0);
            }
            return NDArrays.concat(onDevice(parts, primary().device()));
        });
    }

    /** The mean of per-replica arrays of one shape, on the primary's device (a loss for the log). */
    public NDArray mean(List<NDArray> values) {
        return timed(Phase.SPLIT_AND_GATHER, () -> {
            if (values.size() == 1) {
                return values.get(0);
            }
            NDArray sum = null;
            for (NDArray v : onDevice(values, primary().device())) {
                sum = sum == null ? v : sum.add(v);
            }
            return sum.div(values.size());
        });
    }

    /** Called at the start of every step (the step seeds deferred random draws). */
    public void beginStep(int step) {
        this.step = step;
        this.updatesThisStep = 0;
    }

    /**
     * Applies the state updates the replicas' forwards submitted since the last call: the k-th
     * submissions of all replicas, concatenated in replica order, to every replica's k-th update.
     * Random draws inside an update (a dead-code restart's batch vectors) start from the same seed
     * on every replica, so all replicas decide the same.
     */
    public void applyStateUpdates() {
        timed(Phase.STATE_UPDATES, () -> {
            if (recorders.isEmpty()) {
                return;
            }
            int count = recorders.get(0).pending.size();
            for (Recorder r : recorders) {
                if (r.pending.size() != count) {
                    throw new IllegalStateException("replicas submitted different numbers of state updates");
                }
            }
            for (int k = 0; k < count; k++) {
                String name = recorders.get(0).pending.get(k).name();
                List<NDList> parts = new ArrayList<>();
                for (Recorder r : recorders) {
                    Submission s = r.pending.get(k);
                    if (!s.name().equals(name)) {
                        throw new IllegalStateException("state update " + k + " is " + name + " on one replica and "
                                + s.name() + " on another");
                    }
                    parts.add(s.rows());
                }
                int drawSeed = (int) (seed * 1_000_003L + step * 131L + updatesThisStep++);
                for (int i = 0; i < replicas.size(); i++) {
                    Device d = replicas.get(i).device();
                    NDList whole = new NDList();
                    for (int f = 0; f < parts.get(0).size(); f++) {
                        List<NDArray> field = new ArrayList<>();
                        for (NDList p : parts) {
                            field.add(p.get(f).stopGradient());
                        }
                        whole.add(NDArrays.concat(onDevice(field, d)));
                    }
                    Engine.getInstance().setRandomSeed(drawSeed);
                    recorders.get(i).pending.get(k).apply().accept(whole);
                }
            }
            recorders.forEach(r -> r.pending.clear());
        });
    }

    /**
     * Adds every replica's gradients of the network {@code net} selects into the primary's and
     * zeroes the other replicas' gradients.
     */
    public void reduceGradients(Function<Replica, Block> net) {
        timed(Phase.REDUCE, () -> {
            if (replicas.size() == 1) {
                return;
            }
            List<Parameter> primary = trainable(net.apply(primary()));
            Device d = primary().device();
            // the scratch manager owns every handle and copy made here (across devices DJL's toDevice
            // also attaches a manager of its own to its source's manager: closing scratch frees it)
            try (NDManager scratch = NDManager.newBaseManager(d)) {
                for (int i = 1; i < replicas.size(); i++) {
                    List<Parameter> other = trainable(net.apply(replicas.get(i)));
                    if (other.size() != primary.size()) {
                        throw new IllegalStateException("replica " + i + " has " + other.size()
                                + " trainable parameters, the primary " + primary.size());
                    }
                    for (int p = 0; p < primary.size(); p++) {
                        NDArray mine = other.get(p).getArray();
                        if (!mine.hasGradient()) {
                            continue;
                        }
                        NDArray g = mine.getGradient();
                        g.attach(scratch);
                        NDArray target = primary.get(p).getArray().getGradient();
                        target.attach(scratch);
                        target.addi(g.toDevice(d, false));
                        TorchOps.zeroGradient(mine);
                    }
                }
            }
        });
    }

    /** Zeroes the gradients of the selected network on every replica but the primary. */
    public void zeroOtherGradients(Function<Replica, Block> net) {
        timed(Phase.REDUCE, () -> {
            for (int i = 1; i < replicas.size(); i++) {
                for (Parameter p : trainable(net.apply(replicas.get(i)))) {
                    if (p.getArray().hasGradient()) {
                        TorchOps.zeroGradient(p.getArray());
                    }
                }
            }
        });
    }

    /** Copies the primary's trainable weights of the selected network to every other replica. */
    public void broadcast(Function<Replica, Block> net) {
        copyFromPrimary(net, true);
    }

    /**
     * Copies all of the primary's parameters of the selected network, buffers included, to every
     * other replica (after an initialization or a checkpoint load).
     */
    public void broadcastAll(Function<Replica, Block> net) {
        copyFromPrimary(net, false);
    }

    private void copyFromPrimary(Function<Replica, Block> net, boolean trainableOnly) {
        timed(Phase.BROADCAST, () -> {
            if (replicas.size() == 1 || net.apply(primary()) == null) {
                return;
            }
            List<Parameter> source =
                    List.copyOf(net.apply(primary()).getParameters().values());
            for (int i = 1; i < replicas.size(); i++) {
                Device d = replicas.get(i).device();
                List<Parameter> target =
                        List.copyOf(net.apply(replicas.get(i)).getParameters().values());
                if (target.size() != source.size()) {
                    throw new IllegalStateException(
                            "replica " + i + " has " + target.size() + " parameters, the primary " + source.size());
                }
                try (NDManager scratch = NDManager.newBaseManager(d)) { // see reduceGradients
                    for (int p = 0; p < source.size(); p++) {
                        if (trainableOnly && !source.get(p).requiresGradient()) {
                            continue;
                        }
                        NDArray from = source.get(p).getArray().stopGradient();
                        from.attach(scratch);
                        NDArray to =
                                target.get(p).getArray().stopGradient(); // detached alias: writes land in the weights
                        to.attach(scratch);
                        to.set(new NDIndex("..."), from.toDevice(d, false));
                    }
                }
            }
        });
    }

    /**
     * Host milliseconds spent in each part of the machinery since the last reset (the device may
     * still be working when a call returns: on the CPU it is not).
     */
    public Map<Phase, Double> machineryMillis() {
        Map<Phase, Double> out = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) {
            out.put(p, phaseNanos[p.ordinal()] / 1e6);
        }
        return out;
    }

    public void resetTimings() {
        Arrays.fill(phaseNanos, 0);
    }

    private <T> T timed(Phase phase, Supplier<T> body) {
        long start = System.nanoTime();
        try {
            return body.get();
        } finally {
            phaseNanos[phase.ordinal()] += System.nanoTime() - start;
        }
    }

    private void timed(Phase phase, Runnable body) {
        timed(phase, () -> {
            body.run();
            return null;
        });
    }

    private static List<Parameter> trainable(Block block) {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : block.getParameters().values()) {
            if (p.requiresGradient()) {
                out.add(p);
            }
        }
        return out;
    }

    private static NDList onDevice(List<NDArray> arrays, Device d) {
        NDList out = new NDList(arrays.size());
        for (NDArray a : arrays) {
            out.add(a.toDevice(d, false));
        }
        return out;
    }

    private record Submission(String name, NDList rows, Consumer<NDList> apply) {}

    /** One replica's state updates of the current forward, applied by {@link #applyStateUpdates}. */
    private static final class Recorder implements StateUpdates {

        private final List<Submission> pending = new ArrayList<>();

        @Override
        public void submit(String name, NDList rows, Consumer<NDList> apply) {
            pending.add(new Submission(name, rows, apply));
        }
    }
}
