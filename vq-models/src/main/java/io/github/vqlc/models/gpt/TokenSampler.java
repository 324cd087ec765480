package io.github.vqlc.models.gpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * Draws token grids from a {@link TokenGpt}, batched, on the device (no per-token host round
 * trip). Randomness comes from the engine's generator: seed it
 * ({@code Engine.getInstance().setRandomSeed}) for reproducible samples.
 */
public final class TokenSampler {

    private final TokenGpt gpt;
    private final SamplingOptions options;

    public TokenSampler(TokenGpt gpt, SamplingOptions options) {
        this.gpt = gpt;
        this.options = options;
    }

    /**
     * Tokens (B, N) int64 for classes (B) int64, created in the classes' manager.
     *
     * @param useCache true: one position per step with a {@link KvCache} (linear cost); false: the
     *     whole prefix goes through the blocks at every step, the head only through its last
     *     position (quadratic; kept as the reference and for the benchmark)
     */
    public NDArray sample(ParameterStore ps, NDArray classes, boolean useCache) {
        NDManager out = classes.getManager();
        int n = gpt.spec().sequenceLength();
        long b = classes.getShape().get(0);
        NDArray tokens = out.zeros(new Shape(b, 0), DataType.INT64);
        try (KvCache cache = useCache ? new KvCache(out, gpt.spec().layers()) : null) {
            NDArray last = null;
            for (int i = 0; i < n; i++) {
                try (NDManager step = out.newSubManager()) {
                    NDArray logits;
                    if (!useCache) {
                        logits = gpt.nextLogits(ps, local(classes, step), local(tokens, step));
                    } else if (i == 0) {
                        logits = gpt.forwardCached(ps, cache, local(classes, step), null);
                    } else {
                        logits = gpt.forwardCached(ps, cache, null, local(last, step));
                    }
                    NDArray next = next(logits.get(new NDIndex(":, -1, :")), options); // (B, 1)
                    next.attach(out);
                    NDArray grown = tokens.concat(next, 1);
                    tokens.close();
                    tokens = grown;
                    last = next;
                }
            }
        }
        return tokens;
    }

    /** A copy of {@code x} owned by {@code step}, so everything computed from it is freed with the step. */
    private static NDArray local(NDArray x, NDManager step) {
        NDArray c = x.duplicate();
        c.attach(step);
        return c;
    }

    /** Next tokens (B, 1) int64 drawn from logits (B, V) under {@code options}. */
    public static NDArray next(NDArray logits, SamplingOptions options) {
        Filtered f = filter(logits, options);
        NDArray cdf = f.probabilities().cumSum(1); // (B, k)
        NDArray u = logits.getManager()
                .randomUniform(0f, 1f, new Shape(logits.getShape().get(0), 1))
                .mul(cdf.get(new NDIndex(":, -1:")));
        // inverse CDF: the first position whose cumulative mass exceeds u, never past the last token
        // with mass (rounding); zero-mass tokens can sit anywhere in a row that is not sorted
        long k = f.probabilities().getShape().get(1);
        NDArray lastWithMass = f.probabilities()
                .gt(0f)
                .toType(DataType.INT64, false)
                .mul(logits.getManager().arange(0, k, 1, DataType.INT64))
                .max(new int[] {1}, true);
        NDArray position = cdf.lte(u)
                .toType(DataType.INT64, false)
                .sum(new int[] {1}, true)
                .minimum(lastWithMass);
        return f.tokens().gather(position, 1);
    }

    /**
     * The candidate tokens and their renormalized probabilities after temperature, top-k and
     * top-p, sorted by decreasing probability (in vocabulary order when nothing is cut).
     *
     * @param tokens (B, k) int64 vocabulary ids
     * @param probabilities (B, k) float32, zero past the top-p cut, each row summing to 1
     */
    public record Filtered(NDArray tokens, NDArray probabilities) {}

    /** Applies {@code options} to logits (B, V). */
    public static Filtered filter(NDArray logits, SamplingOptions options) {
        int vocab = (int) logits.getShape().get(1);
        int k = options.effectiveTopK(vocab);
        NDArray scaled = logits.toType(DataType.FLOAT32, false).div((float) options.temperature());
        if (k == vocab && options.topP() >= 1) { // nothing cut: no sort, the vocabulary in id order
            NDArray ids = logits.getManager()
                    .arange(0, vocab, 1, DataType.INT64)
                    .expandDims(0)
                    .broadcast(logits.getShape());
            return new Filtered(ids, scaled.softmax(1));
        }
        NDList top = scaled.topK(k, 1, true, true);
        NDArray probs = top.get(0).softmax(1);
        if (options.topP() < 1) {
            // keep token i when the mass before it is below p (the first one is always kept)
            NDArray before = probs.cumSum(1).sub(probs);
            NDArray keep = before.lt((float) options.topP()).toType(DataType.FLOAT32, false);
            probs = probs.mul(keep);
            probs = probs.div(probs.sum(new int[] {1}, true));
        }
        return new Filtered(top.get(1).toType(DataType.INT64, false), probs);
    }
}
