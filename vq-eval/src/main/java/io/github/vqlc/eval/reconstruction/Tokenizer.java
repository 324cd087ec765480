package io.github.vqlc.eval.reconstruction;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.models.vqgan.VqAutoencoder;

/**
 * What evaluation needs of a model, in inference mode: images (N, C, S, S) in [-1, 1] to quantized
 * latents and token indices, and quantized latents back to images. Utilization passes call only
 * {@link #encode}.
 */
public interface Tokenizer {

    QuantizerOutput encode(ParameterStore ps, NDArray images);

    /** Images (N, C, S, S), not clipped. */
    NDArray decode(ParameterStore ps, NDArray quantized);

    /** Codes per level (K). */
    int codebookSize();

    /** Codes per latent position (G); usage is counted over G K pooled codes ({@code LevelCodes}). */
    default int codesPerPosition() {
        return 1;
    }

    static Tokenizer of(VqAutoencoder model) {
        return new Tokenizer() {
            @Override
            public QuantizerOutput encode(ParameterStore ps, NDArray images) {
                return model.encode(ps, images, false);
            }

            @Override
            public NDArray decode(ParameterStore ps, NDArray quantized) {
                return model.decode(ps, quantized, false);
            }

            @Override
            public int codebookSize() {
                return model.quantizer().codebookSize();
            }

            @Override
            public int codesPerPosition() {
                return model.quantizer().codesPerPosition();
            }
        };
    }
}
