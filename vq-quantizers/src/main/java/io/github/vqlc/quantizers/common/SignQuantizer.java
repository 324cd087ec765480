package io.github.vqlc.quantizers.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.Values;
import io.github.vqlc.core.ops.Latents;
import io.github.vqlc.core.ops.Scalars;
import io.github.vqlc.core.spi.AbstractQuantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerOutput;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Quantizers whose implicit codebook is the 2^d sign patterns of a d-dimensional latent (LFQ, BSQ):
 * code = sign(u) x scale per dimension, index = the bits (u_i > 0) with dimension 0 least
 * significant, straight through to u. Losses: {@code commitment} = beta mean((u - sg[q])^2), and in
 * training {@code entropy} = entropy-weight (per-sample entropy - diversity x codebook entropy) of
 * the soft assignment softmax(2 inverse-temperature q.u) over all codes ({@link BinaryCodeEntropy}).
 */
public abstract class SignQuantizer extends AbstractQuantizer {

    /** Most bits an index holds: codebook sizes are ints. */
    public static final int MAX_BITS = 30;

    private final Options options;
    private final MixedRadix radix;
    private final BinaryCodeEntropy entropy;

    /** The section's loss options. */
    public record Options(float beta, float entropyWeight, float diversity, float inverseTemperature) {}

    protected SignQuantizer(int bits, Options options, BinaryCodeEntropy entropy) {
        super(1 << bits, bits);
        this.options = options;
        int[] twos = new int[bits];
        Arrays.fill(twos, 2);
        this.radix = new MixedRadix(twos);
        this.entropy = entropy;
    }

    /** The vectors that are signed: z itself (LFQ) or z on the unit sphere (BSQ). */
    protected abstract NDArray prepare(NDArray z);

    /** |code value| in every dimension. */
    protected abstract float scale();

    @Override
    public QuantizerOutput quantize(ParameterStore ps, NDArray z, boolean training) {
        checkInput(z);
        NDArray u = prepare(z);
        NDArray bits = u.stopGradient().gt(0f).toType(DataType.FLOAT32, false);
        NDArray q = codes(bits);
        Map<String, NDArray> losses = new LinkedHashMap<>();
        losses.put("commitment", Scalars.mul(Latents.mse(u, q), options.beta()));
        if (training && options.entropyWeight() > 0) {
            // logit of bit i: the softmax's logit gap between codes differing in bit i, 4 t s u_i
            NDArray logits = Scalars.mul(Latents.toVectors(u), 4 * options.inverseTemperature() * scale());
            BinaryCodeEntropy.Terms t = entropy.of(logits);
            losses.put(
                    "entropy",
                    Scalars.mul(
                            t.perSample().sub(Scalars.mul(t.codebook(), options.diversity())),
                            options.entropyWeight()));
        }
        return new QuantizerOutput(Latents.straightThrough(u, q), radix.indices(bits), losses);
    }

    @Override
    public NDArray lookup(ParameterStore ps, NDArray indices) {
        return codes(radix.digits(indices));
    }

    /** (2 bit - 1) x scale. */
    private NDArray codes(NDArray bits) {
        return bits.mul(2 * scale()).sub(scale());
    }

    /**
     * The bits of a sign quantizer's section (= model.embed-dim), checked against the index type and
     * {@code codebook-size}; one line naming both on a mismatch.
     */
    public static int bits(Config section, QuantizerContext context, String type) {
        int bits = context.embeddingDim();
        if (bits > MAX_BITS) {
            throw new UserException(type + " makes 2^" + bits + " codes from model.embed-dim = " + bits
                    + " bits, more than vqlc's indices hold (at most " + MAX_BITS + " bits)");
        }
        int k = section.getInt("codebook-size");
        if (k != 1 << bits) {
            throw new UserException(type + " with model.embed-dim = " + bits + " bits makes " + (1 << bits)
                    + " codes but quantizer.codebook-size = " + k + " ("
                    + section.getValue("codebook-size").origin().description()
                    + "); set quantizer.codebook-size = " + (1 << bits));
        }
        return bits;
    }

    /** The loss options and the entropy's groups and budget of a sign quantizer's section. */
    public static Options options(Config section) {
        Values v = Sections.of(section);
        return new Options(
                (float) v.doubleIn("beta", 0, 100),
                (float) v.doubleIn("entropy-weight", 0, 100),
                (float) v.doubleIn("diversity", 0, 100),
                (float) v.doubleIn("inverse-temperature", 1e-6, 1e6));
    }

    /** {@code entropy-group-bits} (0 = all bits: the exact joint entropy) within {@code entropy-budget-mb}. */
    public static BinaryCodeEntropy entropy(Config section, int bits) {
        Values v = Sections.of(section);
        int group = v.intIn("entropy-group-bits", 0, 24);
        int g = group == 0 ? bits : Math.min(group, bits);
        if (g > 24) {
            throw new UserException("quantizer.entropy-group-bits = 0 asks for the exact entropy over " + bits
                    + " bits, more than the 24 a group can hold; set quantizer.entropy-group-bits <= 24");
        }
        long budget = v.intIn("entropy-budget-mb", 1, 1 << 20) * 1024L * 1024L;
        if (budget < BinaryCodeEntropy.minimumBudget(g)) {
            throw new UserException("quantizer.entropy-budget-mb = " + (budget >> 20) + " is below the "
                    + (BinaryCodeEntropy.minimumBudget(g) + (1 << 20) - 1) / (1 << 20) + " MiB a "
                    + g + "-bit entropy table needs");
        }
        return new BinaryCodeEntropy(g, budget);
    }
}
