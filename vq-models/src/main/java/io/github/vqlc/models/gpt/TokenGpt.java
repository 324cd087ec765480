package io.github.vqlc.models.gpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.github.vqlc.core.engine.TorchOps;
import io.github.vqlc.core.ops.Rows;
import io.github.vqlc.models.nn.LayerNorm;
import java.util.ArrayList;
import java.util.List;

/**
 * A class-conditional autoregressive prior over token grids (minGPT / LlamaGen style, the GPT of
 * the paper's downstream table): the sequence is [class, t_0, ..., t_{N-2}], position i predicts
 * t_i. Token embedding (V, C), learned position embedding (N, C), class embedding (classes + 1, C)
 * whose last row is the unconditional (null) class, {@code layers} pre-norm causal
 * {@link GptBlock}s, a final LayerNorm and a (C -> V) head without bias. Weights ~ N(0, 0.02).
 *
 * <p>Inputs: classes (B) int64 in [0, classes], tokens (B, n) int64 in [0, V) with n < N.
 * Output: logits (B, n + 1, V). {@link #forwardCached} runs the same network on new positions
 * only, with earlier keys/values from a {@link KvCache}; it gives the same logits as the full
 * forward (tested to 1e-5).
 */
public final class TokenGpt extends AbstractBlock {

    private final GptSpec spec;
    private final Parameter tokenEmbedding;
    private final Parameter positionEmbedding;
    private final Parameter classEmbedding;
    private final List<GptBlock> blocks = new ArrayList<>();
    private final Block lnF;
    private final Block head;

    public TokenGpt(GptSpec spec) {
        super((byte) 1);
        this.spec = spec;
        int c = spec.width();
        tokenEmbedding = addParameter(embedding("tok_emb", spec.vocabSize(), c));
        positionEmbedding = addParameter(embedding("pos_emb", spec.sequenceLength(), c));
        classEmbedding = addParameter(embedding("cls_emb", spec.classes() + 1, c));
        for (int i = 0; i < spec.layers(); i++) {
            blocks.add(addChildBlock("block" + i, new GptBlock(c, spec.heads(), (float) spec.dropout())));
        }
        lnF = addChildBlock("ln_f", LayerNorm.of(c));
        head = addChildBlock(
                "head",
                Linear.builder().setUnits(spec.vocabSize()).optBias(false).build());
        setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
    }

    private static Parameter embedding(String name, int rows, int width) {
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.WEIGHT)
                .optInitializer(new NormalInitializer(0.02f))
                .optShape(new Shape(rows, width))
                .build();
    }

    public GptSpec spec() {
        return spec;
    }

    /** Initializes parameters (call once, after seeding the engine). */
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1), new Shape(1, spec.sequenceLength() - 1));
    }

    /** Logits (B, n + 1, V) for classes (B) and the first n tokens (B, n), n in [0, N - 1]. */
    public NDArray logits(ParameterStore ps, NDArray classes, NDArray tokens, boolean training) {
        NDArray x = embed(ps, classes, tokens, 0, training);
        int n = (int) x.getShape().get(1);
        return run(ps, x, SelfAttention.mask(x.getManager(), 0, n), null, training);
    }

    /**
     * Logits (B, 1, V) of the next token only: the blocks run over the whole prefix, the head on
     * its last position (the cache-free sampling step, without wasting the head on earlier positions).
     */
    public NDArray nextLogits(ParameterStore ps, NDArray classes, NDArray tokens) {
        NDArray x = embed(ps, classes, tokens, 0, false);
        int n = (int) x.getShape().get(1);
        NDArray mask = SelfAttention.mask(x.getManager(), 0, n);
        for (int i = 0; i < blocks.size(); i++) {
            x = blocks.get(i).forward(ps, x, mask, null, i, false);
        }
        return head(ps, x.get(new NDIndex(":, -1:, :")), false);
    }

    /** Training logits (B, N, V) for whole token grids flattened to (B, N): position i predicts tokens[:, i]. */
    public NDArray teacherForcedLogits(ParameterStore ps, NDArray classes, NDArray tokens, boolean training) {
        int n = spec.sequenceLength();
        return logits(ps, classes, tokens.get(tokens.getManager(), new NDIndex(":, :{}", n - 1)), training);
    }

    /**
     * Incremental forward: logits (B, n, V) of the next n positions. With an empty cache the input
     * is the class (pass {@code classes}, {@code tokens} null); afterwards the newly sampled tokens
     * (B, n) ({@code classes} null). Keys/values of these positions are appended to {@code cache}.
     */
    public NDArray forwardCached(ParameterStore ps, KvCache cache, NDArray classes, NDArray tokens) {
        int past = cache.length();
        NDArray x = past == 0 ? embed(ps, classes, tokens, 0, false) : embedTokens(ps, tokens, past, false);
        int n = (int) x.getShape().get(1);
        if (past + n > spec.sequenceLength()) {
            throw new IllegalArgumentException(
                    "sequence of " + (past + n) + " positions exceeds " + spec.sequenceLength());
        }
        return run(ps, x, SelfAttention.mask(x.getManager(), past, n), cache, false);
    }

    private NDArray run(ParameterStore ps, NDArray x, NDArray mask, KvCache cache, boolean training) {
        for (int i = 0; i < blocks.size(); i++) {
            x = blocks.get(i).forward(ps, x, mask, cache, i, training);
        }
        return head(ps, x, training);
    }

    private NDArray head(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = lnF.forward(ps, new NDList(x), training).singletonOrThrow();
        return head.forward(ps, new NDList(h), training).singletonOrThrow();
    }

    /** [class embedding, token embeddings] + positions 0..n, (B, n + 1, C); tokens may be null. */
    private NDArray embed(ParameterStore ps, NDArray classes, NDArray tokens, int offset, boolean training) {
        NDManager m = classes.getManager();
        NDArray table = ps.getValue(classEmbedding, classes.getDevice(), training);
        NDArray cls = Rows.gather(m, table, classes).expandDims(1);
        NDArray x = cls;
        if (tokens != null && tokens.getShape().get(1) > 0) {
            x = cls.concat(rows(ps, tokenEmbedding, tokens, training), 1);
        }
        return addPositions(ps, x, offset, training);
    }

    private NDArray embedTokens(ParameterStore ps, NDArray tokens, int offset, boolean training) {
        return addPositions(ps, rows(ps, tokenEmbedding, tokens, training), offset, training);
    }

    /** Rows of {@code table} for indices (B, n): (B, n, C), in the indices' manager. */
    private static NDArray rows(ParameterStore ps, Parameter table, NDArray indices, boolean training) {
        NDArray w = ps.getValue(table, indices.getDevice(), training);
        return Rows.gather(w, indices);
    }

    private NDArray addPositions(ParameterStore ps, NDArray x, int offset, boolean training) {
        int n = (int) x.getShape().get(1);
        NDArray pos = ps.getValue(positionEmbedding, x.getDevice(), training)
                .get(x.getManager(), new NDIndex("{}:{}", offset, offset + n));
        x = x.add(pos);
        return training && spec.dropout() > 0 ? TorchOps.dropout(x, spec.dropout(), true) : x;
    }

    /** True for parameters that get weight decay: the matrices of linear layers (not embeddings, norms, biases). */
    public boolean decayed(Parameter p) {
        return p.getType() == Parameter.Type.WEIGHT
                && p.getArray().getShape().dimension() == 2
                && !p.getName().endsWith("_emb");
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(logits(ps, inputs.get(0), inputs.get(1), training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = new Shape(1, spec.sequenceLength(), spec.width());
        for (GptBlock b : blocks) {
            b.initialize(manager, dataType, x);
        }
        lnF.initialize(manager, dataType, x);
        head.initialize(manager, dataType, x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape t = inputShapes[1];
        return new Shape[] {new Shape(t.get(0), t.get(1) + 1, spec.vocabSize())};
    }
}
