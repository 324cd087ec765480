package io.github.vqlc.models.gpt;

/**
 * How the next token is drawn from the logits.
 *
 * @param temperature logits are divided by it (> 0; 1 = the model's distribution)
 * @param topK keep the k most likely tokens; 0 = the paper's default, 10% of the vocabulary;
 *     a value >= V keeps all
 * @param topP then keep the smallest prefix of those (by probability) whose mass reaches p; 1 = off
 */
public record SamplingOptions(double temperature, int topK, double topP) {

    public SamplingOptions {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
    }

    /** Temperature 1, top-k 10% of the vocabulary, no top-p. */
    public static SamplingOptions paperDefaults() {
        return new SamplingOptions(1.0, 0, 1.0);
    }

    /** The k actually used for a vocabulary of {@code vocab}: topK, or 10% of it when 0, at least 1 and at most V. */
    public int effectiveTopK(int vocab) {
        int k = topK == 0 ? Math.max(1, (int) Math.round(vocab * 0.1)) : topK;
        return Math.min(k, vocab);
    }
}
