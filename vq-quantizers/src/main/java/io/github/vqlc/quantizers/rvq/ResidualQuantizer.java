package io.github.vqlc.quantizers.rvq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.ops.Latents;
import io.github.vqlc.core.spi.AbstractQuantizer;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.core.spi.RowReplacements;
import io.github.vqlc.core.spi.StateUpdates;
import io.github.vqlc.core.spi.StepContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Residual vector quantization (SoundStream, Zeghidour et al. 2021; RQ-VAE, Lee et al. 2022): level
 * g quantizes what the levels before it left, r_0 = z, r_{g+1} = r_g - sg[q_g], each with its own
 * codebook of K codes (a {@code vq} or {@code ema} quantizer). The output is sum_g q_g, straight
 * through to z; indices are (B, H, W, G). Every level's loss terms are computed on its residual
 * (commitment pulls the encoder through r_g) and summed by name over the levels.
 */
public final class ResidualQuantizer extends AbstractQuantizer {

    private final List<AbstractQuantizer> levels;

    /** @param levels G >= 1 quantizers of the same K and D, coarse to fine */
    public ResidualQuantizer(List<? extends AbstractQuantizer> levels) {
        super(levels.get(0).codebookSize(), levels.get(0).embeddingDim());
        this.levels = List.copyOf(levels);
        for (int g = 0; g < this.levels.size(); g++) {
            AbstractQuantizer q = this.levels.get(g);
            if (q.codebookSize() != codebookSize || q.embeddingDim() != embeddingDim) {
                throw new IllegalArgumentException("every residual level needs K = " + codebookSize + ", D = "
                        + embeddingDim + "; level " + g + " has " + q.codebookSize() + ", " + q.embeddingDim());
            }
            addChildBlock("level" + g, q);
        }
    }

    @Override
    public String type() {
        return "rvq";
    }

    @Override
    public int codesPerPosition() {
        return levels.size();
    }

    /** The level quantizers, coarse to fine. */
    public List<AbstractQuantizer> levels() {
        return levels;
    }

    @Override
    public QuantizerOutput quantize(ParameterStore ps, NDArray z, boolean training) {
        checkInput(z);
        NDArray residual = z;
        NDArray sum = null;
        NDList indices = new NDList();
        Map<String, NDArray> losses = new LinkedHashMap<>();
        for (AbstractQuantizer level : levels) {
            QuantizerOutput out = level.quantize(ps, residual, training);
            NDArray q = out.quantized().stopGradient();
            sum = sum == null ? q : sum.add(q);
            residual = residual.sub(q);
            indices.add(out.indices());
            out.losses().forEach((name, term) -> losses.merge(name, term, NDArray::add));
        }
        return new QuantizerOutput(Latents.straightThrough(z, sum), NDArrays.stack(indices, 3), losses);
    }

    @Override
    public NDArray lookup(ParameterStore ps, NDArray indices) {
        Shape s = indices.getShape();
        if (s.dimension() != 4 || s.get(3) != levels.size()) {
            throw new IllegalArgumentException(
                    "rvq of " + levels.size() + " levels looks up (B, H, W, " + levels.size() + ") indices, got " + s);
        }
        NDArray sum = null;
        for (int g = 0; g < levels.size(); g++) {
            NDArray v = levels.get(g).lookup(ps, indices.get(new NDIndex(":, :, :, {}", g)));
            sum = sum == null ? v : sum.add(v);
        }
        return sum;
    }

    /** Each level from the residual the levels before it (already initialized) leave. */
    @Override
    public boolean initializeFrom(ParameterStore ps, NDArray z) {
        boolean changed = false;
        NDArray residual = z;
        for (AbstractQuantizer level : levels) {
            changed |= level.initializeFrom(ps, residual);
            residual =
                    residual.sub(level.quantize(ps, residual, false).quantized().stopGradient());
        }
        return changed;
    }

    @Override
    public void beforeStep(StepContext step) {
        levels.forEach(l -> l.beforeStep(step));
    }

    @Override
    public void setRowReplacements(RowReplacements listener) {
        levels.forEach(l -> l.setRowReplacements(listener));
    }

    @Override
    public void setStateUpdates(StateUpdates updates) {
        super.setStateUpdates(updates);
        levels.forEach(l -> l.setStateUpdates(updates));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (AbstractQuantizer level : levels) {
            level.initialize(manager, dataType, inputShapes);
        }
    }

    /** Each level decides (EMA levels keep their buffers frozen). */
    @Override
    public void freezeParameters(boolean freeze) {
        for (AbstractQuantizer level : levels) {
            level.freezeParameters(freeze);
        }
    }

    @Override
    public void freezeParameters(boolean freeze, Predicate<Parameter> pred) {
        for (AbstractQuantizer level : levels) {
            level.freezeParameters(freeze, pred);
        }
    }

    /** Residual energy per level, for tests and analysis: mean ||r_g||^2 after each level. */
    List<Float> residualEnergy(ParameterStore ps, NDArray z) {
        List<Float> out = new ArrayList<>();
        NDArray residual = z;
        for (AbstractQuantizer level : levels) {
            residual =
                    residual.sub(level.quantize(ps, residual, false).quantized().stopGradient());
            out.add(residual.square().sum(new int[] {1}).mean().getFloat());
        }
        return out;
    }
}
