package io.github.vqlc.models.gpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of the positions already processed, per layer, so each new token attends to
 * them without recomputing them: layer i holds k, v of shape (B, heads, t, head-dim), grown by
 * concatenation along axis 2. Sampling N tokens then costs O(N) layer passes of one position
 * instead of O(N^2) position passes. The arrays live in the cache's own manager (a sub-manager
 * of the one given), so per-step sub-managers can be closed; close the cache when done.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;

    public KvCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Positions cached so far. */
    public int length() {
        return length;
    }

    /**
     * Appends the new keys/values (B, heads, n, dh) of {@code layer} and returns all of them
     * (B, heads, t + n, dh). The last layer's append advances {@link #length()}.
     */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        if (keys[layer] == null) {
            k.attach(manager);
            v.attach(manager);
            keys[layer] = k;
            values[layer] = v;
        } else {
            NDArray nk = keys[layer].concat(k, 2); // first operand's manager: the cache's
            NDArray nv = values[layer].concat(v, 2);
            keys[layer].close();
            values[layer].close();
            keys[layer] = nk;
            values[layer] = nv;
        }
        if (layer == keys.length - 1) {
            length = (int) keys[layer].getShape().get(2);
        }
        return new NDArray[] {keys[layer], values[layer]};
    }

    @Override
    public void close() {
        manager.close();
    }
}
