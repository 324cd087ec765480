package io.github.vqlc.quantizers.ibq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.ops.Latents;
import io.github.vqlc.core.ops.Rows;
import io.github.vqlc.core.spi.AbstractQuantizer;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.quantizers.common.CodebookTerms;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Index backpropagation quantization ("Scalable Image Tokenization with Index Backpropagation
 * Quantization", Shi et al. 2024). Logits l = z C^T over the codebook C (K, D); the code is
 * argmax l, and the one-hot of it passes gradient straight through to softmax(l):
 *
 * <pre>
 *   onehot' = onehot(argmax l) + softmax(l) - sg[softmax(l)]
 *   z_q = onehot' C                  (value: the chosen code exactly)
 * </pre>
 *
 * so the encoder and every code receive gradient through the softmax in each step, not only the
 * chosen ones. Losses as vq's: {@code codebook} = codebookWeight mean((z_q - sg[z])^2), {@code
 * commitment} = beta mean((sg[z_q] - z)^2). Training needs the (tokens x K) logits, their softmax
 * and its gradient in memory at once: beyond {@code logits-budget-mb} the step stops with the
 * budget it needs. Without gradient the argmax runs in row chunks within the budget.
 */
public final class IndexBackpropQuantizer extends AbstractQuantizer {

    /** Float32 (tokens x K) tables a training step holds at its peak (measured by bench quantize: 5.0). */
    static final long TRAINING_TABLES = 5;

    private final float beta;
    private final float codebookWeight;
    private final long budgetBytes;
    private final Parameter codebook;

    public IndexBackpropQuantizer(
            int codebookSize, int embeddingDim, float beta, float codebookWeight, long budgetBytes) {
        super(codebookSize, embeddingDim);
        this.beta = beta;
        this.codebookWeight = codebookWeight;
        this.budgetBytes = budgetBytes;
        this.codebook = addParameter(CodebookTerms.uniformCodebook(codebookSize, embeddingDim));
    }

    @Override
    public String type() {
        return "ibq";
    }

    /** Bytes a training step's (tokens x K) tables take. */
    public static long trainingBytes(long tokens, long codes) {
        return tokens * codes * Float.BYTES * TRAINING_TABLES;
    }

    @Override
    public QuantizerOutput quantize(ParameterStore ps, NDArray z, boolean training) {
        checkInput(z);
        NDArray codes = ps.getValue(codebook, z.getDevice(), training);
        NDArray vectors = Latents.toVectors(z);
        NDArray chosen;
        NDArray indices;
        if (training) {
            long need = trainingBytes(vectors.getShape().get(0), codebookSize);
            if (need > budgetBytes) {
                throw new UserException("ibq needs " + mib(need) + " MiB for the logits of "
                        + vectors.getShape().get(0) + " tokens x " + codebookSize
                        + " codes, above quantizer.logits-budget-mb = " + mib(budgetBytes)
                        + "; raise it or lower train.batch-size");
            }
            NDArray soft = vectors.matMul(codes.transpose()).softmax(1);
            indices = soft.stopGradient().argMax(1);
            NDArray hard = Rows.gather(z.getManager(), codes, indices);
            // value: hard exactly (soft - sg[soft] is zero); gradient: into the softmax
            chosen = hard.add(soft.sub(soft.stopGradient()).matMul(codes.stopGradient()));
        } else {
            indices = argMaxInChunks(vectors.stopGradient(), codes.stopGradient());
            chosen = Rows.gather(z.getManager(), codes, indices);
        }
        Map<String, NDArray> losses = CodebookTerms.losses(chosen, vectors, codebookWeight, beta);
        return new QuantizerOutput(
                Latents.toMaps(chosen, z.getShape()), Latents.toIndexMaps(indices, z.getShape()), losses);
    }

    /** argmax_k x C_k^T per row, (N) int64, in row chunks of at most the budget. */
    private NDArray argMaxInChunks(NDArray x, NDArray codes) {
        long n = x.getShape().get(0);
        long rows = Math.max(1, budgetBytes / ((long) codebookSize * Float.BYTES));
        NDManager parent = x.getManager();
        List<NDArray> parts = new ArrayList<>();
        try (NDManager sub = parent.newSubManager()) {
            NDArray ct = codes.transpose();
            ct.attach(sub);
            for (long r = 0; r < n; r += rows) {
                NDArray chunk = x.get(new NDIndex("{}:{}", r, Math.min(n, r + rows)));
                chunk.attach(sub);
                parts.add(chunk.matMul(ct).argMax(1));
            }
            NDArray all = NDArrays.concat(new NDList(parts), 0);
            all.attach(parent);
            return all;
        }
    }

    @Override
    public NDArray lookup(ParameterStore ps, NDArray indices) {
        NDArray codes = ps.getValue(codebook, indices.getDevice(), false);
        return gatherMaps(codes, indices);
    }

    /** The codebook parameter (K, D). */
    public Parameter codebook() {
        return codebook;
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
