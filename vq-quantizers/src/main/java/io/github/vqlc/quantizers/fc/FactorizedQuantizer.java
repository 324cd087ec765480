package io.github.vqlc.quantizers.fc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.UniformInitializer;
import io.github.vqlc.core.engine.TorchOps;
import io.github.vqlc.core.ops.Latents;
import io.github.vqlc.core.ops.Rows;
import io.github.vqlc.core.ops.Scalars;
import io.github.vqlc.core.search.NearestCodeSearch;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.quantizers.common.TrainableCodebookQuantizer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Factorized, l2-normalized codes (Yu et al., "Vector-quantized Image Modeling with Improved
 * VQGAN", ICLR 2022), the VQGAN-FC baseline of Zhu et al., "Scaling the Codebook Size of VQGAN to
 * 100,000 with a Utilization Rate of 99%" (NeurIPS 2024).
 *
 * <p>Tensor contract: latents {@code z} (B, D, H, W) float32, flattened to vectors (N, D). A linear
 * layer {@code project_in} (D -> F, F = factor dim) maps them to the look-up space, where they are
 * l2-normalized: u = normalize(W_in z + b_in) (N, F). The codebook C (K, F) is l2-normalized too:
 * c = normalize(C). idx = argmin_k ||u_i - c_k||^2 (for unit vectors: the largest cosine). The
 * output {@code quantized} (B, D, H, W) = {@code project_out}(c[idx]) with a second linear layer
 * (F -> D); straight-through in the look-up space, so the decoder's gradient reaches
 * {@code project_out} and, through the identity, u, {@code project_in} and z. {@code indices}
 * (B, H, W) int64. {@link #lookup} returns exactly {@code project_out(c[idx])}.
 *
 * <p>Loss, in the F-dimensional look-up space: {@code commitment} = commitmentWeight *
 * mean((sg[c[idx]] - u)^2) (pulls the encoder and {@code project_in}) and {@code codebook} = beta *
 * mean((c[idx] - sg[u])^2) (trains C). Defaults 1 and 0.33: the form the VQGAN-LC authors use for
 * their baselines (taming's places beta on the commitment term instead).
 *
 * <p>Without l2 normalization ({@code l2Normalize = false}) u and c are used as they are: a plain
 * low-dimensional look-up, which is what the VQGAN-LC authors' code runs as its small-embed-dim
 * baseline (their code has no factorized quantizer of its own and normalizes nothing).
 *
 * <p>Parameters: {@code codebook} (K, F) ~ N(0, 1) (only its direction matters when normalized) or
 * U(-1/K, 1/K) (the authors' trainable codebooks); the two linear layers' weights ~
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (PyTorch's default bound) and biases 0. Normalization uses
 * the PyTorch engine's fused {@code normalize} (x / max(||x||, 1e-12)).
 */
public final class FactorizedQuantizer extends TrainableCodebookQuantizer<FactorizedQuantizer> {

    private final int factorDim;
    private final float beta;
    private final float commitmentWeight;
    private final boolean l2Normalize;
    private final NearestCodeSearch search;
    private final Parameter codebook;
    private final Linear projectIn;
    private final Linear projectOut;

    private FactorizedQuantizer(Builder b) {
        super(b.codebookSize, b.embeddingDim);
        this.factorDim = b.factorDim;
        this.beta = b.beta;
        this.commitmentWeight = b.commitmentWeight;
        this.l2Normalize = b.l2Normalize;
        this.search = b.search;
        this.codebook = addParameter(Parameter.builder()
                .setName("codebook")
                .setType(Parameter.Type.WEIGHT)
                .optInitializer(
                        b.uniformCodebook ? new UniformInitializer(1f / b.codebookSize) : new NormalInitializer(1f))
                .optShape(new Shape(codebookSize, factorDim))
                .build());
        this.projectIn = addChildBlock("project_in", linear(factorDim, embeddingDim));
        this.projectOut = addChildBlock("project_out", linear(embeddingDim, factorDim));
    }

    private static Linear linear(int units, int fanIn) {
        Linear l = Linear.builder().setUnits(units).build();
        l.setInitializer(new UniformInitializer((float) (1 / Math.sqrt(fanIn))), Parameter.Type.WEIGHT);
        l.setInitializer(new ConstantInitializer(0f), Parameter.Type.BIAS);
        return l;
    }

    /** A builder: {@code setCodebookSize} and {@code setEmbeddingDim} are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String type() {
        return "fc";
    }

    /** k-means in the look-up space: the centres of the first batch's u vectors. */
    @Override
    public boolean initializeFrom(ParameterStore ps, NDArray z) {
        NDArray u = lookupSpace(
                projectIn.forward(ps, new NDList(Latents.toVectors(z)), false).singletonOrThrow());
        return upkeep().initialize(codebook, u);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        projectIn.initialize(manager, dataType, new Shape(1, embeddingDim));
        projectOut.initialize(manager, dataType, new Shape(1, factorDim));
    }

    @Override
    public QuantizerOutput quantize(ParameterStore ps, NDArray z, boolean training) {
        checkInput(z);
        NDArray vectors = Latents.toVectors(z);
        NDArray u =
                lookupSpace(projectIn.forward(ps, new NDList(vectors), training).singletonOrThrow());
        NDArray codes = normalizedCodes(ps, z.getManager(), z, training);
        NDArray indices = search.nearest(u, codes);
        NDArray chosen = Rows.gather(codes, indices); // (N, F), gradient to the codebook
        if (training) {
            recordUsage(indices, u);
        }
        Map<String, NDArray> losses = new LinkedHashMap<>();
        losses.put("codebook", Scalars.mul(Latents.mse(chosen, u.stopGradient()), beta));
        losses.put("commitment", Scalars.mul(Latents.mse(chosen.stopGradient(), u), commitmentWeight));
        NDArray straight = output(u, chosen);
        NDArray out = projectOut.forward(ps, new NDList(straight), training).singletonOrThrow();
        return new QuantizerOutput(
                Latents.toMaps(out, z.getShape()), Latents.toIndexMaps(indices, z.getShape()), losses);
    }

    @Override
    public NDArray lookup(ParameterStore ps, NDArray indices) {
        NDArray codes = normalizedCodes(ps, indices.getManager(), indices, false);
        NDArray chosen = Rows.gather(codes, indices.flatten());
        NDArray out = projectOut.forward(ps, new NDList(chosen), false).singletonOrThrow();
        return Latents.rowsToMaps(out, indices.getShape());
    }

    /**
     * The codes in the look-up space (K, F): normalize(C), or C itself without normalization;
     * computed in {@code manager} (a view of the parameter first, so nothing lands in the model's
     * manager).
     */
    private NDArray normalizedCodes(ParameterStore ps, NDManager manager, NDArray like, boolean training) {
        NDArray raw = ps.getValue(codebook, like.getDevice(), training);
        return lookupSpace(raw.get(manager, new NDIndex(":")));
    }

    private NDArray lookupSpace(NDArray x) {
        return l2Normalize ? normalize(x) : x;
    }

    /** Whether inputs and codes are l2-normalized before the look-up (ViT-VQGAN's form). */
    public boolean l2Normalize() {
        return l2Normalize;
    }

    /** Rows scaled to unit l2 norm (x / max(||x||, 1e-12)), differentiable. */
    static NDArray normalize(NDArray x) {
        return TorchOps.normalize(x, 2, 1, 1e-12);
    }

    /** Width F of the look-up space. */
    public int factorDim() {
        return factorDim;
    }

    @Override
    public Parameter codebook() {
        return codebook;
    }

    /** D -> F projection of the latents. */
    public Linear projectIn() {
        return projectIn;
    }

    /** F -> D projection of the chosen codes. */
    public Linear projectOut() {
        return projectOut;
    }

    /** Builds a {@link FactorizedQuantizer}. */
    public static final class Builder {

        private int codebookSize;
        private int embeddingDim;
        private int factorDim = 8;
        private float beta = 0.33f;
        private float commitmentWeight = 1f;
        private boolean l2Normalize = true;
        private boolean uniformCodebook;
        private NearestCodeSearch search = NearestCodeSearch.create();

        private Builder() {}

        /** Number of codes K (required, at least 2). */
        public Builder setCodebookSize(int codebookSize) {
            this.codebookSize = codebookSize;
            return this;
        }

        /** Width D of the latents (required). */
        public Builder setEmbeddingDim(int embeddingDim) {
            this.embeddingDim = embeddingDim;
            return this;
        }

        /** Width F of the look-up space (default 8). */
        public Builder optFactorDim(int factorDim) {
            this.factorDim = factorDim;
            return this;
        }

        /** Weight of the codebook term (default 0.33). */
        public Builder optBeta(float beta) {
            this.beta = beta;
            return this;
        }

        /** Weight of the commitment term (default 1). */
        public Builder optCommitmentWeight(float commitmentWeight) {
            this.commitmentWeight = commitmentWeight;
            return this;
        }

        /** Whether to l2-normalize inputs and codes (default true, ViT-VQGAN's factorized codes). */
        public Builder optL2Normalize(boolean l2Normalize) {
            this.l2Normalize = l2Normalize;
            return this;
        }

        /** Initialize the codebook U(-1/K, 1/K) (the VQGAN-LC authors') instead of N(0, 1). */
        public Builder optUniformCodebook(boolean uniformCodebook) {
            this.uniformCodebook = uniformCodebook;
            return this;
        }

        /** The nearest-code search (default: 64 MiB budget). */
        public Builder optSearch(NearestCodeSearch search) {
            this.search = search;
            return this;
        }

        /** Validates and builds. */
        public FactorizedQuantizer build() {
            if (embeddingDim < 1 || factorDim < 1) {
                throw new IllegalArgumentException(
                        "embedding dim and factor dim must be >= 1, got " + embeddingDim + " and " + factorDim);
            }
            if (!(beta >= 0f) || !(commitmentWeight >= 0f)) {
                throw new IllegalArgumentException(
                        "beta and commitment weight must be >= 0, got " + beta + " and " + commitmentWeight);
            }
            if (search == null) {
                throw new IllegalArgumentException("search must not be null");
            }
            return new FactorizedQuantizer(this);
        }
    }
}
