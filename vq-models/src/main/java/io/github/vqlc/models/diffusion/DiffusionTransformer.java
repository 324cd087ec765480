package io.github.vqlc.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.github.vqlc.core.ops.Rows;
import io.github.vqlc.models.nn.LayerNorm;
import java.util.ArrayList;
import java.util.List;

/**
 * A class-conditional diffusion transformer (DiT, Peebles and Xie 2023; the backbone of SiT) on
 * latent maps (B, C, H, W): p x p patches embedded by a strided convolution, fixed 2-D sine-cosine
 * position embeddings, {@code depth} {@link DitBlock}s conditioned on c = t-embedding +
 * class-embedding, a final adaLN-modulated linear layer back to the patches (zero-initialized, so
 * the untrained model predicts 0). The time t is in [0, 1]; class {@code classes} is the "no
 * class" row used for classifier-free guidance.
 */
public final class DiffusionTransformer extends AbstractBlock {

    /** Frequencies of the sinusoidal time embedding (DiT's 256). */
    static final int TIME_FREQUENCIES = 256;

    private final Spec spec;
    private final Conv2d patchEmbed;
    private final Linear time1;
    private final Linear time2;
    private final Parameter classTable;
    private final List<DitBlock> blocks = new ArrayList<>();
    private final LayerNorm finalNorm;
    private final Modulation finalModulation;
    private final Linear out;

    /**
     * @param channels C of the latents
     * @param grid H = W of the latents
     * @param patch p (divides grid)
     * @param width W of the tokens
     * @param depth blocks
     * @param heads attention heads (divide width)
     * @param classes label classes (one more row: no class)
     */
    public record Spec(int channels, int grid, int patch, int width, int depth, int heads, int classes) {

        public Spec {
            if (grid % patch != 0 || width % heads != 0 || width % 4 != 0) {
                throw new IllegalArgumentException("patch " + patch + " must divide grid " + grid + ", heads " + heads
                        + " and 4 the width " + width);
            }
        }

        /**
         * Weights of the model, counted from its layers: patch embedding and final linear layer
         * (p^2 C W each, plus biases), the time MLP, the class table (classes + 1 rows), per block
         * 18 W^2 + 15 W (qkv, projection, MLP W -> 4W -> W, six modulations), the final two
         * modulations.
         */
        public long parameterCount() {
            long w = width;
            long pc = (long) patch * patch * channels;
            long embed = pc * w + w + TIME_FREQUENCIES * w + w + w * w + w + (classes + 1L) * w;
            long block = 18 * w * w + 15 * w;
            long head = 2 * w * w + 2 * w + w * pc + pc;
            return embed + depth * block + head;
        }

        /** Tokens per latent map: (grid / patch)^2. */
        public int tokens() {
            return (grid / patch) * (grid / patch);
        }
    }

    public DiffusionTransformer(Spec spec) {
        super((byte) 1);
        this.spec = spec;
        patchEmbed = addChildBlock(
                "patch_embed",
                Conv2d.builder()
                        .setKernelShape(new Shape(spec.patch(), spec.patch()))
                        .optStride(new Shape(spec.patch(), spec.patch()))
                        .setFilters(spec.width())
                        .build());
        time1 = addChildBlock(
                "t_embed1", Linear.builder().setUnits(spec.width()).build());
        time2 = addChildBlock(
                "t_embed2", Linear.builder().setUnits(spec.width()).build());
        classTable = addParameter(Parameter.builder()
                .setName("y_embed")
                .setType(Parameter.Type.WEIGHT)
                .optInitializer(new NormalInitializer(0.02f))
                .optShape(new Shape(spec.classes() + 1L, spec.width()))
                .build());
        for (int i = 0; i < spec.depth(); i++) {
            blocks.add(addChildBlock("block" + i, new DitBlock(spec.width(), spec.heads())));
        }
        finalNorm = addChildBlock("final_norm", DitBlock.plainNorm());
        finalModulation = addChildBlock("final_adaLN", new Modulation(spec.width(), 2));
        out = addChildBlock(
                "final_linear",
                Linear.builder()
                        .setUnits((long) spec.patch() * spec.patch() * spec.channels())
                        .build());
        out.setInitializer(new ConstantInitializer(0f), Parameter.Type.WEIGHT);
        out.setInitializer(new ConstantInitializer(0f), Parameter.Type.BIAS);
    }

    public Spec spec() {
        return spec;
    }

    /** Number of weights (after initialization). */
    public long parameterCount() {
        return getParameters().values().stream()
                .mapToLong(p -> p.getArray().getShape().size())
                .sum();
    }

    /**
     * The model's output for latents x (B, C, H, W) at times t (B) in [0, 1] and classes y (B) int64
     * in [0, classes] (classes = no class): (B, C, H, W).
     */
    public NDArray forward(ParameterStore ps, NDArray x, NDArray t, NDArray y, boolean training) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != spec.channels() || s.get(2) != spec.grid() || s.get(3) != spec.grid()) {
            throw new IllegalArgumentException("the diffusion transformer takes (B, " + spec.channels() + ", "
                    + spec.grid() + ", " + spec.grid() + ") latents, got " + s);
        }
        long b = s.get(0);
        int side = spec.grid() / spec.patch();
        NDArray h = patchEmbed.forward(ps, new NDList(x), training).singletonOrThrow(); // (B, W, side, side)
        h = h.reshape(b, spec.width(), (long) side * side).transpose(0, 2, 1);
        h = h.add(positions(x.getManager(), side, spec.width()));
        NDArray c =
                timeEmbedding(ps, t, training).add(Rows.gather(ps.getValue(classTable, x.getDevice(), training), y));
        for (DitBlock block : blocks) {
            h = block.forward(ps, h, c, training);
        }
        NDList m = finalModulation.of(ps, c, training);
        h = Modulation.modulate(finalNorm.forward(ps, new NDList(h), training).singletonOrThrow(), m.get(0), m.get(1));
        h = out.forward(ps, new NDList(h), training).singletonOrThrow(); // (B, T, p p C)
        // unpatchify: (B, side, side, p, p, C) -> (B, C, side p, side p)
        int p = spec.patch();
        return h.reshape(b, side, side, p, p, spec.channels())
                .transpose(0, 5, 1, 3, 2, 4)
                .reshape(b, spec.channels(), spec.grid(), spec.grid());
    }

    /** MLP of the sinusoidal embedding of t: cos and sin of t / 10000^(i / 128), i < 128. */
    private NDArray timeEmbedding(ParameterStore ps, NDArray t, boolean training) {
        int half = TIME_FREQUENCIES / 2;
        float[] f = new float[half];
        for (int i = 0; i < half; i++) {
            f[i] = (float) Math.exp(-Math.log(10000) * i / half);
        }
        NDArray args = t.toType(DataType.FLOAT32, false)
                .expandDims(1)
                .mul(t.getManager().create(f).expandDims(0));
        NDArray e = args.cos().concat(args.sin(), 1);
        NDArray h = time1.forward(ps, new NDList(e), training).singletonOrThrow();
        return time2.forward(ps, new NDList(Modulation.silu(h)), training).singletonOrThrow();
    }

    /** Fixed 2-D sine-cosine position embeddings (side^2, W): half the width for rows, half for columns. */
    static NDArray positions(NDManager m, int side, int width) {
        float[] pos = new float[side * side * width];
        int quarter = width / 4;
        for (int r = 0; r < side; r++) {
            for (int col = 0; col < side; col++) {
                int base = (r * side + col) * width;
                for (int i = 0; i < quarter; i++) {
                    double omega = 1.0 / Math.pow(10000, (double) i / quarter);
                    // first half: the column (DiT's grid order), second half: the row
                    pos[base + i] = (float) Math.sin(col * omega);
                    pos[base + quarter + i] = (float) Math.cos(col * omega);
                    pos[base + 2 * quarter + i] = (float) Math.sin(r * omega);
                    pos[base + 3 * quarter + i] = (float) Math.cos(r * omega);
                }
            }
        }
        return m.create(pos, new Shape(side * side, width));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.get(0), inputs.get(1), inputs.get(2), training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        long b = x.get(0);
        patchEmbed.initialize(manager, dataType, x);
        time1.initialize(manager, dataType, new Shape(b, TIME_FREQUENCIES));
        time2.initialize(manager, dataType, new Shape(b, spec.width()));
        Shape tokens = new Shape(b, spec.tokens(), spec.width());
        for (DitBlock block : blocks) {
            block.initialize(manager, dataType, tokens, new Shape(b, spec.width()));
        }
        finalNorm.initialize(manager, dataType, tokens);
        finalModulation.initialize(manager, dataType, new Shape(b, spec.width()));
        out.initialize(manager, dataType, tokens);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
