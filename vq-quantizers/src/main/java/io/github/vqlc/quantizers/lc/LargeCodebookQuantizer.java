package io.github.vqlc.quantizers.lc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.UniformInitializer;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.ArrayLayout;
import io.github.vqlc.core.io.CodebookFiles;
import io.github.vqlc.core.ops.Latents;
import io.github.vqlc.core.ops.Rows;
import io.github.vqlc.core.ops.Scalars;
import io.github.vqlc.core.search.NearestCodeSearch;
import io.github.vqlc.core.spi.AbstractQuantizer;
import io.github.vqlc.core.spi.QuantizerOutput;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * VQGAN-LC: Zhu et al., "Scaling the Codebook Size of VQGAN to 100,000 with a Utilization Rate of
 * 99%" (NeurIPS 2024). A large codebook C, usually frozen, is mapped into the latent space by a
 * trainable projector P; every latent takes its nearest projected code.
 *
 * <p>Tensor contract: latents {@code z} (B, D, H, W) float32 (D = the model's embed-dim, D' = 8 in
 * the paper), flattened to (N, D); codebook C (K, Dc); projected codebook P(C) (K, D), recomputed
 * every forward pass inside the autograd graph so the projector (and a trainable C) get gradients.
 * idx = argmin_k ||z_i - P(C)_k||^2 by {@link NearestCodeSearch} (on detached codes); z_q =
 * P(C)[idx]. Output {@code quantized} (B, D, H, W) = z_q forward, identity gradient to z
 * (straight-through); {@code indices} (B, H, W) int64; {@link #lookup} = P(C)[idx] exactly.
 *
 * <p>Loss exactly as the authors' code writes it: {@code commitment} = mean((sg[z_q] - z)^2) with
 * weight 1 (pulls the encoder) and {@code codebook} = beta * mean((z_q - sg[z])^2) with beta =
 * 0.33 (trains the projector, or a trainable codebook).
 *
 * <p>Variants (the paper's Tables 6, 10 and 11, and SimVQ):
 *
 * <ul>
 *   <li>codebook init: {@link Init#NORMAL} N(0, 1); {@link Init#UNIFORM} U(-1/K, 1/K) (the authors'
 *       "random" codebook); {@link Init#FILE} rows of a .npy/.safetensors (K, Dc) matrix (k-means
 *       centres, or a random sample of features);
 *   <li>frozen (a parameter with {@code requiresGrad = false}, also detached in the forward pass,
 *       so it stays bit-identical even if a caller unfreezes the model) or trainable;
 *   <li>projector {@link Projector#NONE} (P = identity, needs Dc = D), {@link Projector#LINEAR}
 *       (Dc -> D, weight ~ N(0, 1/D) as in the authors' code, bias 0) or {@link Projector#MLP}
 *       (Dc -> hidden -> D with ReLU, the paper's 768-256-D'; weights ~ U(+-1/sqrt(fan_in)), biases 0).
 * </ul>
 *
 * <p>A random frozen codebook with a linear projector is SimVQ (Zhu et al. 2024).
 *
 * <p>Cost: every call (including {@link #lookup}) projects the whole codebook, K x Dc x D
 * multiply-adds (0.6 G for 100,000 x 768 x 8), as the authors' code does; {@link #lookup} gathers
 * from that projection rather than projecting only the requested rows so its result is
 * bit-identical to {@link #quantize}'s.
 */
public final class LargeCodebookQuantizer extends AbstractQuantizer {

    /** How the codebook is initialized. */
    public enum Init {
        /** N(0, 1). */
        NORMAL,
        /** U(-1/K, 1/K), the taming / VQGAN-LC authors' random codebook. */
        UNIFORM,
        /** The rows of a codebook file. */
        FILE
    }

    /** The map from codebook space (Dc) to latent space (D). */
    public enum Projector {
        /** Identity: the codebook is used as is (Dc must equal D). */
        NONE,
        /** One linear layer Dc -> D. */
        LINEAR,
        /** Linear Dc -> hidden, ReLU, linear hidden -> D. */
        MLP;

        /** Parses {@code none | linear | mlp}. */
        public static Projector of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    private final int codeDim;
    private final float beta;
    private final boolean frozen;
    private final Init init;
    private final Projector projectorType;
    private final NearestCodeSearch search;
    private final Parameter codebook;
    private final Block projector;

    private LargeCodebookQuantizer(Builder b) {
        super(b.codebookSize, b.embeddingDim);
        this.codeDim = b.codeDim;
        this.beta = b.beta;
        this.frozen = b.frozen;
        this.init = b.init;
        this.projectorType = b.projector;
        this.search = b.search;
        Initializer initializer = switch (init) {
            case NORMAL -> new NormalInitializer(1f);
            case UNIFORM -> new UniformInitializer(1f / codebookSize);
            case FILE -> new FileInitializer(b.file);
        };
        this.codebook = addParameter(Parameter.builder()
                .setName("codebook")
                .setType(Parameter.Type.WEIGHT)
                .optInitializer(initializer)
                .optShape(new Shape(codebookSize, codeDim))
                .optRequiresGrad(!frozen)
                .build());
        this.projector = switch (projectorType) {
            case NONE -> null;
            case LINEAR ->
                addChildBlock("projector", linear(embeddingDim, new NormalInitializer((float)
                        (1 / Math.sqrt(embeddingDim)))));
            case MLP ->
                addChildBlock(
                        "projector",
                        new SequentialBlock()
                                .add(linear(b.hidden, new UniformInitializer((float) (1 / Math.sqrt(codeDim)))))
                                .add(Activation.reluBlock())
                                .add(linear(embeddingDim, new UniformInitializer((float) (1 / Math.sqrt(b.hidden))))));
        };
    }

    private static Linear linear(int units, Initializer weights) {
        Linear l = Linear.builder().setUnits(units).build();
        l.setInitializer(weights, Parameter.Type.WEIGHT);
        l.setInitializer(new ConstantInitializer(0f), Parameter.Type.BIAS);
        return l;
    }

    /** A builder: codebook size and embedding dim are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String type() {
        return "lc";
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (projector != null) {
            projector.initialize(manager, dataType, new Shape(1, codeDim));
        }
    }

    /** A frozen codebook stays frozen whatever a caller asks; everything else follows the request. */
    @Override
    public void freezeParameters(boolean freeze) {
        freezeParameters(freeze, p -> true);
    }

    @Override
    public void freezeParameters(boolean freeze, Predicate<Parameter> pred) {
        super.freezeParameters(freeze, pred.and(p -> !(frozen && p == codebook)));
    }

    @Override
    public QuantizerOutput quantize(ParameterStore ps, NDArray z, boolean training) {
        checkInput(z);
        NDArray vectors = Latents.toVectors(z);
        NDArray projected = projectedCodebook(ps, z.getManager(), z, training);
        NDArray indices = search.nearest(vectors, projected);
        NDArray chosen = Rows.gather(projected, indices); // (N, D), gradient to P (and a trainable C)
        Map<String, NDArray> losses = new LinkedHashMap<>();
        losses.put("codebook", Scalars.mul(Latents.mse(chosen, vectors.stopGradient()), beta));
        losses.put("commitment", Latents.mse(chosen.stopGradient(), vectors));
        NDArray straight = output(vectors, chosen);
        return new QuantizerOutput(
                Latents.toMaps(straight, z.getShape()), Latents.toIndexMaps(indices, z.getShape()), losses);
    }

    @Override
    public NDArray lookup(ParameterStore ps, NDArray indices) {
        // the full projection, then a gather: the same arithmetic as quantize, so the same bits
        return gatherMaps(projectedCodebook(ps, indices.getManager(), indices, false), indices);
    }

    /**
     * P(C) (K, D) in {@code manager}: the codebook parameter is first viewed from {@code manager}
     * (no copy) so the projection's result does not land in the model's manager.
     */
    private NDArray projectedCodebook(ParameterStore ps, NDManager manager, NDArray like, boolean training) {
        NDArray raw = ps.getValue(codebook, like.getDevice(), training);
        NDArray c = raw.get(manager, new NDIndex(":"));
        if (frozen) {
            c = c.stopGradient();
        }
        if (projector == null) {
            return c;
        }
        return projector.forward(ps, new NDList(c), training).singletonOrThrow();
    }

    /** Width Dc of the codebook entries. */
    public int codeDim() {
        return codeDim;
    }

    public boolean frozen() {
        return frozen;
    }

    public Init init() {
        return init;
    }

    public Projector projectorType() {
        return projectorType;
    }

    /** The codebook parameter (K, Dc). */
    public Parameter codebook() {
        return codebook;
    }

    /** The projector block, or null for {@link Projector#NONE}. */
    public Block projector() {
        return projector;
    }

    /** Fills the codebook from a file when the block is initialized (checks shape and values again). */
    private static final class FileInitializer implements Initializer {

        private final Path file;

        FileInitializer(Path file) {
            this.file = file;
        }

        @Override
        public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
            NDArray values = CodebookFiles.read(manager, file);
            if (!values.getShape().equals(shape)) {
                Shape got = values.getShape();
                values.close();
                throw new UserException("codebook file " + file + " holds a " + ArrayLayout.shapeText(got)
                        + " matrix but the quantizer was built for " + ArrayLayout.shapeText(shape)
                        + " (did the file change?)");
            }
            return dataType == DataType.FLOAT32 ? values : values.toType(dataType, false);
        }
    }

    /** Builds a {@link LargeCodebookQuantizer}; options default to the paper's VQGAN-LC except the codebook source. */
    public static final class Builder {

        private int codebookSize;
        private int embeddingDim;
        private Init init = Init.NORMAL;
        private int codeDim = 64;
        private Path file;
        private long fileRows;
        private boolean frozen = true;
        private Projector projector = Projector.LINEAR;
        private int hidden = 256;
        private float beta = 0.33f;
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

        /** A random codebook of width {@code codeDim}: {@link Init#NORMAL} (default, Dc = 64) or {@link Init#UNIFORM}. */
        public Builder optRandomCodebook(Init init, int codeDim) {
            if (init == Init.FILE) {
                throw new IllegalArgumentException("use optCodebookFile for Init.FILE");
            }
            this.init = init;
            this.codeDim = codeDim;
            this.file = null;
            return this;
        }

        /**
         * The codebook of a .npy/.safetensors file; its header is read now (shape checks), its
         * values when the block is initialized.
         *
         * @throws UserException if the file is unreadable or not a (codebook size, Dc) matrix
         */
        public Builder optCodebookFile(Path file) {
            CodebookFiles.Info info = CodebookFiles.inspect(file);
            this.init = Init.FILE;
            this.codeDim = Math.toIntExact(info.columns());
            this.file = file;
            this.fileRows = info.rows();
            return this;
        }

        /** Whether the codebook is frozen (default true). */
        public Builder optFrozen(boolean frozen) {
            this.frozen = frozen;
            return this;
        }

        /** The projector (default linear) and the MLP's hidden width (default 256). */
        public Builder optProjector(Projector projector, int hidden) {
            this.projector = projector;
            this.hidden = hidden;
            return this;
        }

        /** Weight of the codebook/projector term (default 0.33). */
        public Builder optBeta(float beta) {
            this.beta = beta;
            return this;
        }

        /** The nearest-code search (default: 64 MiB budget). */
        public Builder optSearch(NearestCodeSearch search) {
            this.search = search;
            return this;
        }

        /** Validates and builds. */
        public LargeCodebookQuantizer build() {
            if (embeddingDim < 1 || codeDim < 1 || hidden < 1) {
                throw new IllegalArgumentException("embedding dim, codebook dim and hidden width must be >= 1, got "
                        + embeddingDim + ", " + codeDim + " and " + hidden);
            }
            if (init == Init.FILE && fileRows != codebookSize) {
                throw new UserException("codebook file " + file + " holds " + fileRows + " codes, shape (" + fileRows
                        + ", " + codeDim + "), but the codebook size is " + codebookSize);
            }
            if (projector == Projector.NONE && codeDim != embeddingDim) {
                throw new IllegalArgumentException("without a projector the codebook width Dc = " + codeDim
                        + " must equal the latent width D = " + embeddingDim);
            }
            if (!(beta >= 0f)) {
                throw new IllegalArgumentException("beta must be >= 0, got " + beta);
            }
            if (search == null) {
                throw new IllegalArgumentException("search must not be null");
            }
            return new LargeCodebookQuantizer(this);
        }
    }
}
