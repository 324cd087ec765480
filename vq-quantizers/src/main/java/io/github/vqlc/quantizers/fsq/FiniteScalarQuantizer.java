package io.github.vqlc.quantizers.fsq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.spi.AbstractQuantizer;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.quantizers.common.MixedRadix;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Finite scalar quantization ("Finite Scalar Quantization: VQ-VAE Made Simple", Mentzer et al.
 * 2023). Latent dimension i (of D = the number of levels) is bounded to L_i values and rounded:
 *
 * <pre>
 *   h_i = (L_i - 1)(1 + 1e-3) / 2,  o_i = 0.5 for even L_i else 0,  s_i = atanh(o_i / h_i)
 *   b = tanh(z + s) h - o          (in (-L/2, L/2) for even L, (-(L-1)/2, (L-1)/2) for odd L)
 *   q = round(b), straight through (forward the rounded value, gradient of b)
 *   z_q = q / floor(L/2)           (in [-1, 1])
 *   index = sum_i (q_i + floor(L_i/2)) prod_{j < i} L_j
 * </pre>
 *
 * <p>The implicit codebook is the grid of all level combinations: K = prod L_i codes, every one
 * reachable, no parameters and no loss term. The shift s centres the rounding bins of an even
 * level count on zero input (atanh, where the authors' code has tan; the two agree to 1e-3 at
 * these arguments).
 */
public final class FiniteScalarQuantizer extends AbstractQuantizer {

    private final int[] levels;
    private final MixedRadix radix;

    /** @param levels values per latent dimension (each >= 2); D = levels.size(), K = their product */
    public FiniteScalarQuantizer(List<Integer> levels) {
        super(product(levels), levels.size());
        this.levels = levels.stream().mapToInt(Integer::intValue).toArray();
        this.radix = new MixedRadix(this.levels);
    }

    /** prod L_i, or an IllegalArgumentException when it does not fit an int index. */
    public static int product(List<Integer> levels) {
        long k = 1;
        for (int l : levels) {
            if (l < 2) {
                throw new IllegalArgumentException("every FSQ level must be >= 2, got " + levels);
            }
            k *= l;
            if (k > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("FSQ levels " + levels + " make more than 2^31 - 1 codes");
            }
        }
        return (int) k;
    }

    @Override
    public String type() {
        return "fsq";
    }

    @Override
    public QuantizerOutput quantize(ParameterStore ps, NDArray z, boolean training) {
        checkInput(z);
        NDManager m = z.getManager();
        NDArray bounded = z.add(column(m, Column.SHIFT))
                .tanh()
                .mul(column(m, Column.HALF_RANGE))
                .sub(column(m, Column.OFFSET));
        NDArray rounded = bounded.stopGradient().round();
        NDArray q = bounded.add(rounded.sub(bounded).stopGradient()); // straight through the rounding
        NDArray quantized = q.div(column(m, Column.HALF_WIDTH));
        return new QuantizerOutput(quantized, indicesOf(rounded), Map.of());
    }

    @Override
    public NDArray lookup(ParameterStore ps, NDArray indices) {
        NDManager m = indices.getManager();
        NDArray q = radix.digits(indices).sub(column(m, Column.HALF_WIDTH));
        return q.div(column(m, Column.HALF_WIDTH));
    }

    /** (B, H, W) int64 indices of rounded values (B, D, H, W) in {-floor(L/2), ...}. */
    private NDArray indicesOf(NDArray rounded) {
        return radix.indices(rounded.add(column(rounded.getManager(), Column.HALF_WIDTH)));
    }

    /** Per-dimension constants of the formula above. */
    enum Column {
        HALF_RANGE,
        OFFSET,
        SHIFT,
        HALF_WIDTH
    }

    /** The constant {@code c} of every dimension as (1, D, 1, 1) float32. */
    private NDArray column(NDManager m, Column c) {
        float[] v = new float[levels.length];
        for (int i = 0; i < levels.length; i++) {
            v[i] = value(levels[i], c);
        }
        return m.create(v).reshape(1, levels.length, 1, 1);
    }

    /** One constant of one dimension with {@code l} levels. */
    static float value(int l, Column c) {
        double halfRange = (l - 1) * (1 + 1e-3) / 2;
        double offset = l % 2 == 0 ? 0.5 : 0.0;
        return (float)
                switch (c) {
                    case HALF_RANGE -> halfRange;
                    case OFFSET -> offset;
                    case SHIFT -> 0.5 * Math.log((1 + offset / halfRange) / (1 - offset / halfRange)); // atanh
                    case HALF_WIDTH -> l / 2;
                };
    }

    /** The levels, one per latent dimension. */
    public List<Integer> levels() {
        return Arrays.stream(levels).boxed().toList();
    }
}
