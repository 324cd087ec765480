package io.github.vqlc.models.gpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.UserException;
import io.github.vqlc.models.generation.ClassImageSampler;
import io.github.vqlc.models.vqgan.VqAutoencoder;

/**
 * Generated images: token grids sampled from a {@link TokenGpt} (with the KV cache), decoded by
 * the tokenizer that produced its training tokens.
 */
public final class ImageGenerator implements ClassImageSampler {

    private final TokenGpt gpt;
    private final VqAutoencoder tokenizer;
    private final NDManager manager;
    private final TokenSampler sampler;

    /** @throws UserException when the tokenizer's codebook or token grid differs from the GPT's */
    public ImageGenerator(TokenGpt gpt, VqAutoencoder tokenizer, NDManager manager, SamplingOptions options) {
        GptSpec s = gpt.spec();
        int k = tokenizer.quantizer().codebookSize();
        if (k != s.vocabSize()) {
            throw new UserException("the tokenizer has codebook size " + k
                    + " but the GPT was trained on a vocabulary of " + s.vocabSize());
        }
        if (tokenizer.tokensPerImage() != s.sequenceLength()) {
            throw new UserException("the tokenizer makes " + tokenizer.tokensPerImage() + " tokens per image ("
                    + tokenizer.gridSide() + "x" + tokenizer.gridSide() + " positions x "
                    + tokenizer.quantizer().codesPerPosition() + " codes) but the GPT's grid is " + s.gridHeight()
                    + "x" + s.gridWidth());
        }
        this.gpt = gpt;
        this.tokenizer = tokenizer;
        this.manager = manager;
        this.sampler = new TokenSampler(gpt, options);
    }

    public GptSpec spec() {
        return gpt.spec();
    }

    @Override
    public int classes() {
        return gpt.spec().classes();
    }

    /** Class id = the GPT's class count means unconditional. */
    @Override
    public void generate(int[] classes, int count, int batchSize, long seed, Sink sink) {
        GptSpec s = gpt.spec();
        int[] all = ClassImageSampler.labels(classes, count, s.classes());
        ParameterStore ps = new ParameterStore(manager, false);
        ClassImageSampler.inBatches(all, batchSize, seed, manager, (sub, ids, labels) -> {
            NDArray tokens = sampler.sample(ps, ids, true).reshape(labels.length, s.gridHeight(), s.gridWidth());
            NDArray images = tokenizer.decodeTokens(ps, tokens).clip(-1f, 1f);
            sink.accept(images, labels, tokens);
        });
    }
}
