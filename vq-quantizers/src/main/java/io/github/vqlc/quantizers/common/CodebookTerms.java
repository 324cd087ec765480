package io.github.vqlc.quantizers.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.UniformInitializer;
import io.github.vqlc.core.ops.Latents;
import io.github.vqlc.core.ops.Scalars;
import java.util.LinkedHashMap;
import java.util.Map;

/** The trainable codebook and the two loss terms quantizers with an explicit table share (vq, ibq). */
public final class CodebookTerms {

    private CodebookTerms() {}

    /** A trainable (K, D) {@code codebook} parameter initialized uniformly in +-1/K (taming's init). */
    public static Parameter uniformCodebook(int codebookSize, int embeddingDim) {
        return Parameter.builder()
                .setName("codebook")
                .setType(Parameter.Type.WEIGHT)
                .optInitializer(new UniformInitializer(1f / codebookSize))
                .optShape(new Shape(codebookSize, embeddingDim))
                .build();
    }

    /**
     * {@code codebook} = codebookWeight mean((chosen - sg[vectors])^2) trains the codes, {@code
     * commitment} = beta mean((sg[chosen] - vectors)^2) pulls the encoder to them.
     */
    public static Map<String, NDArray> losses(NDArray chosen, NDArray vectors, float codebookWeight, float beta) {
        Map<String, NDArray> losses = new LinkedHashMap<>();
        losses.put("codebook", Scalars.mul(Latents.mse(chosen, vectors.stopGradient()), codebookWeight));
        losses.put("commitment", Scalars.mul(Latents.mse(chosen.stopGradient(), vectors), beta));
        return losses;
    }
}
