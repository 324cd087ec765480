package io.github.vqlc.models.gpt;

/**
 * The shape of a {@link TokenGpt}.
 *
 * @param vocabSize V, the tokenizer's codebook size
 * @param gridHeight rows h of the token grid
 * @param gridWidth columns w; N = h x w tokens per image, the model sees the class plus N - 1 tokens
 * @param classes number of class labels (0 = unconditional only); class id {@code classes} is the null class
 */
public record GptSpec(
        int vocabSize, int gridHeight, int gridWidth, int classes, int layers, int width, int heads, double dropout) {

    public GptSpec {
        if (vocabSize < 1 || gridHeight < 1 || gridWidth < 1 || classes < 0 || layers < 1 || width < 1 || heads < 1) {
            throw new IllegalArgumentException("invalid GPT shape " + this);
        }
        if (width % heads != 0) {
            throw new IllegalArgumentException("width " + width + " is not divisible by heads " + heads);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout " + dropout + " not in [0, 1)");
        }
    }

    /** N = h x w, tokens per image. */
    public int sequenceLength() {
        return gridHeight * gridWidth;
    }

    /** Parameters: embeddings, blocks (12 C^2 + 13 C each), final norm, head. */
    public long parameterCount() {
        long c = width;
        return (long) vocabSize * c
                + (long) sequenceLength() * c
                + (classes + 1L) * c
                + layers * (12 * c * c + 13 * c)
                + 2 * c
                + c * vocabSize;
    }
}
