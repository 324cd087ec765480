package io.github.vqlc.quantizers.ema;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.UniformInitializer;
import io.github.vqlc.core.ops.Latents;
import io.github.vqlc.core.ops.Rows;
import io.github.vqlc.core.ops.Scalars;
import io.github.vqlc.core.ops.Segments;
import io.github.vqlc.core.search.NearestCodeSearch;
import io.github.vqlc.core.spi.AbstractQuantizer;
import io.github.vqlc.core.spi.QuantizerOutput;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Vector quantizer whose codebook follows exponential moving averages (VQ-VAE-2, Razavi et al.
 * 2019; the EMA quantizer of taming-transformers), the VQGAN-EMA baseline of Zhu et al., "Scaling
 * the Codebook Size of VQGAN to 100,000 with a Utilization Rate of 99%" (NeurIPS 2024).
 *
 * <p>Tensor contract: latents {@code z} (B, D, H, W) float32; codebook e (K, D); statistics
 * {@code cluster_size} (K) and {@code embed_sum} (K, D). Output {@code quantized} (B, D, H, W) =
 * e[idx] in the forward pass with the identity gradient to z (straight-through), {@code indices}
 * (B, H, W) int64 = argmin_k ||z_i - e_k||^2. All three arrays are DJL parameters with {@code
 * requiresGrad = false}: they save and load with the model, the optimizer never sees them, and the
 * codebook never receives a gradient.
 *
 * <p>Loss: {@code commitment} = beta * mean((sg[e[idx]] - z)^2) only; with the default beta = 1 this
 * is exactly the authors' EMA baseline ({@code F.mse_loss(z_q.detach(), z)}).
 *
 * <p>Update (when {@code training} is true, after the codes of this batch were chosen, so the
 * output uses the codebook before the update), with n_k the number of batch vectors assigned to
 * code k and s_k their sum:
 *
 * <pre>
 *   cluster_size = decay * cluster_size + (1 - decay) * n
 *   embed_sum    = decay * embed_sum    + (1 - decay) * s
 *   n_total = sum(cluster_size);  cs = (cluster_size + eps) / (n_total + K * eps) * n_total
 *   e = embed_sum / cs                  (Laplace-smoothed cluster sizes)
 * </pre>
 *
 * <p>Initialization follows the authors' baseline: e ~ U(-1/K, 1/K), {@code embed_sum} = e,
 * {@code cluster_size} = 0. A consequence (shared with taming's and the authors' code): a code that
 * is not chosen in the first steps gets {@code e = decay^t e_0 / ~eps}, far from every latent, and
 * stays unused; that is part of why EMA's utilization falls as K grows. The optional restart
 * ({@code restartThreshold > 0}, off by default) re-initializes every code whose {@code cluster_size}
 * is below the threshold to a random vector of the current batch (cluster size set to the
 * threshold, {@code embed_sum} to threshold times that vector).
 *
 * <p>Counts and sums are computed on the device without a one-hot matrix: {@code unique} gives the
 * used codes, each vector's position among them and their counts, and the per-code sums come from
 * the shared scatter-add ({@link Segments}) over those positions, in float64 (a code that collects
 * many vectors keeps its precision) and rounded once to float32. Memory is O(N*D + K*D) whatever K
 * is.
 * Updates are in-place writes through detached aliases of the parameters' arrays (same storage)
 * with detached operands, so no autograd graph is recorded even inside a {@code
 * GradientCollector}, and nothing breaks if a caller marks the codebook trainable (it then gets a
 * zero gradient). {@link #freezeParameters} is a no-op: these buffers are never trainable.
 */
public final class EmaQuantizer extends AbstractQuantizer {

    private final float beta;
    private final float decay;
    private final float eps;
    private final float restartThreshold;
    private final NearestCodeSearch search;
    private final Parameter codebook;
    private final Parameter clusterSize;
    private final Parameter embedSum;

    private EmaQuantizer(Builder b) {
        super(b.codebookSize, b.embeddingDim);
        this.beta = b.beta;
        this.decay = b.decay;
        this.eps = b.eps;
        this.restartThreshold = b.restartThreshold;
        this.search = b.search;
        this.codebook = addParameter(Parameter.builder()
                .setName("codebook")
                .setType(Parameter.Type.WEIGHT)
                .optInitializer(new UniformInitializer(1f / codebookSize))
                .optShape(new Shape(codebookSize, embeddingDim))
                .optRequiresGrad(false)
                .build());
        this.clusterSize = addParameter(Parameter.builder()
                .setName("cluster_size")
                .setType(Parameter.Type.RUNNING_MEAN)
                .optInitializer(new ConstantInitializer(0f))
                .optShape(new Shape(codebookSize))
                .optRequiresGrad(false)
                .build());
        this.embedSum = addParameter(Parameter.builder()
                .setName("embed_sum")
                .setType(Parameter.Type.RUNNING_MEAN)
                .optInitializer(new ConstantInitializer(0f)) // replaced by a copy of the codebook in initialize
                .optShape(new Shape(codebookSize, embeddingDim))
                .optRequiresGrad(false)
                .build());
    }

    /** A builder: {@code setCodebookSize} and {@code setEmbeddingDim} are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String type() {
        return "ema";
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        boolean fresh = !embedSum.isInitialized();
        super.initialize(manager, dataType, inputShapes);
        if (fresh) {
            embedSum.getArray().set(new NDIndex("..."), codebook.getArray());
        }
    }

    /** The EMA statistics and codebook are never trainable, whatever a caller asks. */
    @Override
    public void freezeParameters(boolean freeze) {
        // every parameter of this block is a buffer; nothing to unfreeze
    }

    @Override
    public void freezeParameters(boolean freeze, Predicate<Parameter> pred) {
        // see freezeParameters(boolean)
    }

    @Override
    public QuantizerOutput quantize(ParameterStore ps, NDArray z, boolean training) {
        checkInput(z);
        NDArray codes = ps.getValue(codebook, z.getDevice(), training);
        NDArray vectors = Latents.toVectors(z);
        NDArray indices = search.nearest(vectors, codes);
        // copy of the chosen rows in the step's manager, taken before the in-place update below
        NDArray chosen = Rows.gather(z.getManager(), codes, indices).stopGradient();
        Map<String, NDArray> losses = new LinkedHashMap<>();
        losses.put("commitment", Scalars.mul(Latents.mse(chosen, vectors), beta));
        NDArray quantized = Latents.toMaps(output(vectors, chosen), z.getShape());
        if (training) {
            stateUpdates().submit("ema", new NDList(vectors, indices), rows -> update(rows.get(0), rows.get(1)));
        }
        return new QuantizerOutput(quantized, Latents.toIndexMaps(indices, z.getShape()), losses);
    }

    @Override
    public NDArray lookup(ParameterStore ps, NDArray indices) {
        NDArray codes = ps.getValue(codebook, indices.getDevice(), false);
        return gatherMaps(codes, indices);
    }

    /** One EMA step of the statistics and the codebook from the batch's vectors and their codes. */
    private void update(NDArray vectors, NDArray indices) {
        try (NDScope scope = new NDScope()) { // closes every temporary, whichever manager it landed in
            scope.suppressNotUsedWarning();
            // detached aliases share the parameters' storage: in-place writes through them change the
            // parameters and can never be recorded by autograd (even if a caller marked them trainable)
            NDArray cs = clusterSize.getArray().stopGradient();
            NDArray es = embedSum.getArray().stopGradient();
            NDArray cb = codebook.getArray().stopGradient();
            NDArray x = vectors.stopGradient();
            // used codes (sorted), each vector's position among them, and their counts
            NDList unique = indices.unique(null, true, true, true);
            NDArray used = unique.get(0);
            NDArray counts = unique.get(2);
            NDArray sums = Segments.sumByIndex(x.toType(DataType.FLOAT64, false), unique.get(1), used.size())
                    .toType(DataType.FLOAT32, false); // (used, D)
            NDIndex rows = new NDIndex("{}", used);
            float keep = 1f - decay;

            cs.muli(decay);
            cs.set(rows, cs.get(rows).add(counts.toType(DataType.FLOAT32, false).muli(keep)));
            es.muli(decay);
            es.set(rows, es.get(rows).add(sums.muli(keep)));

            NDArray total = cs.sum();
            NDArray smoothed =
                    cs.add(eps).div(total.add((float) codebookSize * eps)).mul(total);
            cb.set(new NDIndex("..."), es.div(smoothed.expandDims(1)));

            if (restartThreshold > 0) {
                restartDeadCodes(x, cs, es, cb);
            }
        }
    }

    /** Codes with cluster_size below the threshold become random vectors of this batch. */
    private void restartDeadCodes(NDArray x, NDArray cs, NDArray es, NDArray cb) {
        NDArray dead = cs.lt(restartThreshold).nonzero().reshape(-1);
        long m = dead.size();
        if (m == 0) {
            return;
        }
        long n = x.getShape().get(0);
        NDArray pick = x.getManager().randomInteger(0L, n, new Shape(m), DataType.INT64);
        NDArray samples = x.get(new NDIndex("{}", pick));
        NDIndex rows = new NDIndex("{}", dead);
        cb.set(rows, samples);
        es.set(rows, samples.mul(restartThreshold));
        cs.set(rows, restartThreshold);
    }

    /** Commitment weight. */
    public float beta() {
        return beta;
    }

    /** EMA decay. */
    public float decay() {
        return decay;
    }

    /** Laplace smoothing constant. */
    public float eps() {
        return eps;
    }

    /** Cluster size below which a code is restarted (0 = never). */
    public float restartThreshold() {
        return restartThreshold;
    }

    /** The codebook (K, D). */
    public Parameter codebook() {
        return codebook;
    }

    /** EMA of the per-code assignment counts (K). */
    public Parameter clusterSize() {
        return clusterSize;
    }

    /** EMA of the per-code sums of assigned vectors (K, D). */
    public Parameter embedSum() {
        return embedSum;
    }

    /** Builds an {@link EmaQuantizer}; {@code optX} values default to the paper's settings. */
    public static final class Builder {

        private int codebookSize;
        private int embeddingDim;
        private float beta = 1f;
        private float decay = 0.99f;
        private float eps = 1e-5f;
        private float restartThreshold;
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

        /** Commitment weight (default 1, the authors' EMA baseline). */
        public Builder optBeta(float beta) {
            this.beta = beta;
            return this;
        }

        /** EMA decay in [0, 1) (default 0.99). */
        public Builder optDecay(float decay) {
            this.decay = decay;
            return this;
        }

        /** Laplace smoothing constant (default 1e-5). */
        public Builder optEps(float eps) {
            this.eps = eps;
            return this;
        }

        /** Restart codes whose EMA cluster size is below this (default 0 = never). */
        public Builder optRestartThreshold(float restartThreshold) {
            this.restartThreshold = restartThreshold;
            return this;
        }

        /** The nearest-code search (default: 64 MiB budget). */
        public Builder optSearch(NearestCodeSearch search) {
            this.search = search;
            return this;
        }

        /** Validates and builds. */
        public EmaQuantizer build() {
            if (embeddingDim < 1) {
                throw new IllegalArgumentException("embedding dim must be >= 1, got " + embeddingDim);
            }
            if (!(decay >= 0f && decay < 1f)) {
                throw new IllegalArgumentException("decay must be in [0, 1), got " + decay);
            }
            if (!(eps > 0f)) {
                throw new IllegalArgumentException("eps must be > 0, got " + eps);
            }
            if (!(beta >= 0f) || !(restartThreshold >= 0f)) {
                throw new IllegalArgumentException(
                        "beta and restart threshold must be >= 0, got " + beta + " and " + restartThreshold);
            }
            if (search == null) {
                throw new IllegalArgumentException("search must not be null");
            }
            return new EmaQuantizer(this);
        }
    }
}
