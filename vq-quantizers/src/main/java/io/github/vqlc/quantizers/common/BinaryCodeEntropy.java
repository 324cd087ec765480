package io.github.vqlc.quantizers.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.List;

/**
 * The entropy terms of sign quantizers (LFQ, BSQ) over their implicit codebook of 2^d sign patterns.
 * A vector's soft assignment to the codes is a softmax of code similarities, which factorizes into
 * one Bernoulli per bit with logit {@code a_i}: p(c) = prod_i sigmoid(+-a_i).
 *
 * <ul>
 *   <li>Per-sample entropy: the mean over vectors of H(p), which for a product of Bernoullis is the
 *       sum of the bit entropies, exact and cheap.
 *   <li>Codebook entropy: H of the batch-mean assignment p̄(c) = mean_n p_n(c), which does not
 *       factorize. The bits are split into groups of {@code groupBits} (all bits in one group is the
 *       exact joint entropy, MAGVIT-v2's LFQ; smaller groups sum per-group entropies, BSQ's
 *       factorized approximation), and each group's (vectors x 2^g) table is only ever built in row
 *       chunks within the memory budget.
 * </ul>
 *
 * <p>Autograd through the chunked tables would keep all of them alive for the backward pass, so the
 * codebook entropy's gradient is computed here in a second chunked pass and attached to the logits
 * by a surrogate: value = H, gradient w.r.t. a_{n,i} = (1/N) sum_c w(c) p_n(c) (bit_i(c) - p_{n,i})
 * with w(c) = -(log p̄(c) + 1), the derivative of H through p̄ and the Bernoulli product.
 */
public final class BinaryCodeEntropy {

    /** Floor of p̄ under the logarithm: a code nobody is near contributes nothing. */
    private static final float LOG_FLOOR = 1e-30f;
    /** Float32 tables alive per row of a chunk: the assignment, its weighted copy, one temporary. */
    private static final long TABLES_PER_ROW = 3;

    private final int groupBits;
    private final long budgetBytes;

    /**
     * @param groupBits bits per codebook-entropy group, 1..24
     * @param budgetBytes memory for one chunk's (rows x 2^groupBits) tables
     */
    public BinaryCodeEntropy(int groupBits, long budgetBytes) {
        if (groupBits < 1 || groupBits > 24) {
            throw new IllegalArgumentException("entropy groups hold 1 to 24 bits, got " + groupBits);
        }
        long row = bytesPerRow(groupBits);
        if (budgetBytes < row) {
            throw new IllegalArgumentException("an entropy group of " + groupBits + " bits needs at least " + mib(row)
                    + " MiB per vector, the budget is " + mib(budgetBytes) + " MiB");
        }
        this.groupBits = groupBits;
        this.budgetBytes = budgetBytes;
    }

    /** Bytes of one row of a group's tables. */
    public static long bytesPerRow(int groupBits) {
        return (1L << groupBits) * Float.BYTES * TABLES_PER_ROW;
    }

    /** Both entropies (scalars, in nats) of per-bit logits. */
    public record Terms(NDArray perSample, NDArray codebook) {}

    /** @param logits (N, d) float32: logit of bit i being 1, with gradient */
    public Terms of(NDArray logits) {
        return new Terms(perSample(logits), codebook(logits));
    }

    /** mean_n sum_i H(sigmoid(a_{n,i})), with H = p softplus(-a) + (1 - p) softplus(a). */
    static NDArray perSample(NDArray a) {
        NDArray p = Activation.sigmoid(a);
        NDArray h = p.mul(Activation.softPlus(a.neg())).add(p.neg().add(1f).mul(Activation.softPlus(a)));
        return h.sum(new int[] {1}).mean();
    }

    private NDArray codebook(NDArray a) {
        long n = a.getShape().get(0);
        int d = (int) a.getShape().get(1);
        NDManager m = a.getManager();
        double entropy = 0;
        List<NDArray> gradients = new ArrayList<>();
        for (int from = 0; from < d; from += groupBits) {
            int to = Math.min(d, from + groupBits);
            NDArray group = a.stopGradient().get(new NDIndex(":, {}:{}", from, to));
            Group g = group(group, n);
            entropy += g.entropy();
            gradients.add(g.gradient());
        }
        NDArray gradient = NDArrays.concat(new NDList(gradients), 1);
        NDArray surrogate = a.mul(gradient).sum();
        return surrogate.sub(surrogate.stopGradient()).add((float) entropy);
    }

    /** H of one group's p̄ and dH/da of the group's columns (N, g). */
    private record Group(double entropy, NDArray gradient) {}

    private Group group(NDArray a, long n) {
        NDManager parent = a.getManager();
        int g = (int) a.getShape().get(1);
        long rows = Math.max(1, budgetBytes / bytesPerRow(g));
        try (NDManager sub = parent.newSubManager()) {
            NDArray bits = bitTable(sub, g); // (g, 2^g)
            NDArray mean = sub.zeros(new Shape(1L << g));
            for (long r = 0; r < n; r += rows) {
                mean.addi(assignment(chunk(a, sub, r, rows, n), bits).sum(new int[] {0}));
            }
            mean.divi((float) n);
            NDArray logMean = mean.clip(LOG_FLOOR, Float.MAX_VALUE).log();
            double entropy = -mean.mul(logMean).sum().getFloat();
            NDArray weight = logMean.add(1f).neg(); // w(c) = -(log p̄(c) + 1)
            NDArray bitsT = bits.transpose();
            List<NDArray> parts = new ArrayList<>();
            for (long r = 0; r < n; r += rows) {
                NDArray ac = chunk(a, sub, r, rows, n);
                NDArray weighted = assignment(ac, bits).muli(weight); // (rows, 2^g)
                NDArray total = weighted.sum(new int[] {1}, true);
                parts.add(weighted.matMul(bitsT)
                        .subi(Activation.sigmoid(ac).muli(total))
                        .divi((float) n));
            }
            NDArray gradient = NDArrays.concat(new NDList(parts), 0);
            gradient.attach(parent);
            return new Group(entropy, gradient);
        }
    }

    /** Rows [r, r + rows) of {@code a}, owned by {@code sub}. */
    private static NDArray chunk(NDArray a, NDManager sub, long r, long rows, long n) {
        NDArray c = a.get(new NDIndex("{}:{}", r, Math.min(n, r + rows)));
        c.attach(sub);
        return c;
    }

    /** p_n(c) = exp(sum_i log(1 - p_i) + sum_i bit_i(c) a_i), (rows, 2^g). */
    private static NDArray assignment(NDArray a, NDArray bits) {
        NDArray base = Activation.softPlus(a).sum(new int[] {1}, true).neg();
        return a.matMul(bits).addi(base).exp();
    }

    /** (g, 2^g) float32: entry (i, c) = bit i of c. */
    static NDArray bitTable(NDManager m, int g) {
        int k = 1 << g;
        float[] t = new float[g * k];
        for (int i = 0; i < g; i++) {
            for (int c = 0; c < k; c++) {
                t[i * k + c] = (c >> i) & 1;
            }
        }
        return m.create(t, new Shape(g, k));
    }

    private static String mib(long bytes) {
        return String.format("%.1f", bytes / (1024.0 * 1024.0));
    }
}
