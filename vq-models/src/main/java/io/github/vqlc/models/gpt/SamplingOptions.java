package io.github.vqlc.models.gpt;

/**
 * How the next token is drawn from the logits.
 *
 * @param temperature logits are divided by it (> 0; 1 = the model's distribution)
 * @param topK keep the k most likely tokens; 0 (or a value >= V) keeps the whole vocabulary, as
 *     the VQGAN-LC authors' sampling scripts do
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

    /** The VQGAN-LC authors' sampling: temperature 1, the whole vocabulary, no top-p. */
    public static SamplingOptions authorsDefaults() {
        return new SamplingOptions(1.0, 0, 1.0);
    }

    /** The k actually used for a vocabulary of {@code vocab}: topK, or V when 0; at most V. */
    public int effectiveTopK(int vocab) {
        return topK == 0 ? vocab : Math.min(topK, vocab);
    }
}
