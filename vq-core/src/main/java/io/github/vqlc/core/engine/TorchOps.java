package io.github.vqlc.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;

/**
 * The one place that calls the PyTorch engine directly. DJL 0.29's engine-neutral API lacks these
 * operations (or offers them only with a lossy signature); each method says which gap it fills.
 * Nothing else in vqlc imports {@code ai.djl.pytorch.*} (the architecture test enforces it), so a
 * change of DJL version or engine touches this class only.
 *
 * <p>Arrays passed in must come from the PyTorch engine (every vqlc manager does); the methods
 * record autograd like any op unless they say otherwise.
 */
public final class TorchOps {

    private TorchOps() {}

    /** Interpolation modes of {@link #interpolate}, in the engine's numbering. */
    public enum Interpolation {
        NEAREST(0),
        BILINEAR(2);

        private final int code;

        Interpolation(int code) {
            this.code = code;
        }
    }

    /**
     * Fused layer norm over the trailing {@code normalizedShape} dimensions, with gradient and an
     * affine of the normalized shape. Gap: {@code NDArray} has no layer norm (DJL's {@code LayerNorm}
     * block owns its parameters and DJL's {@code NDArrayEx} is internal API); GroupNorm applies it to
     * the (N, G, C/G*H*W) view, ~50x faster in backward than composing the statistics.
     */
    public static NDArray layerNorm(NDArray x, Shape normalizedShape, NDArray gamma, NDArray beta, double eps) {
        return JniUtils.layerNorm(pt(x), normalizedShape, pt(gamma), pt(beta), eps);
    }

    /**
     * Inverted dropout with probability {@code p} when {@code training}. Gap: {@code
     * NDArrayEx.dropout} takes a float probability; the GPT's masks are drawn with the double one.
     */
    public static NDArray dropout(NDArray x, double p, boolean training) {
        return JniUtils.dropout(pt(x), p, training);
    }

    /**
     * Resizes (B, C, H, W) to {@code size} = {h, w}, with gradient, corners not aligned. Gap: DJL's
     * {@code NDArrayEx.resize} is an image-preprocessing helper without autograd semantics; nearest
     * x2 through two {@code repeat} calls has a ~10x slower backward (docs/djl-pitfalls.md).
     */
    public static NDArray interpolate(NDArray x, long[] size, Interpolation mode) {
        return JniUtils.interpolate(pt(x), size, mode.code, false);
    }

    /**
     * {@code x / max(||x||_p, eps)} along {@code dim}, with gradient (PyTorch's {@code F.normalize}).
     * Gap: DJL has no differentiable normalize of a tensor.
     */
    public static NDArray normalize(NDArray x, double p, long dim, double eps) {
        return JniUtils.normalize(pt(x), p, dim, eps);
    }

    /**
     * Backpropagates {@code outputGradient} from {@code y} into the leaves' {@code .grad}. Gap:
     * DJL's {@code GradientCollector.backward} takes no output gradient and frees the graph, so the
     * adaptive GAN weight could not take two gradients of one graph.
     *
     * @param keepGraph keep the graph for a further backward through it
     */
    public static void backward(NDArray y, NDArray outputGradient, boolean keepGraph) {
        JniUtils.backward(pt(y), pt(outputGradient), keepGraph, false);
    }

    /**
     * Zeros a leaf's {@code .grad} in place. Gap: DJL zeroes gradients only inside its optimizers'
     * updates; gradients otherwise accumulate across backward passes.
     */
    public static void zeroGradient(NDArray leaf) {
        JniUtils.zeroGrad(pt(leaf));
    }

    /**
     * {@code out[j] = sum of values[i] over i with index[i] == j} through a hybrid sparse COO tensor
     * (one index row, dense rows as values) made dense: PyTorch sorts the indices and sums the
     * duplicates in one native pass, deterministically on CPU. Gap: DJL exposes neither {@code
     * index_add} nor {@code scatter_add}.
     *
     * @param indexRow (1, N) int64
     * @param values (N, C)
     * @return (k, C) dense, attached to the engine's default placement of the result
     */
    public static NDArray sparseRowsToDense(NDArray indexRow, NDArray values, long k) {
        long c = values.getShape().get(1);
        try (NDArray sparse = JniUtils.createSparseCoo(pt(indexRow), pt(values), new Shape(k, c))) {
            return sparse.toDense();
        }
    }

    /** Whether {@code x} is a PyTorch-engine array (and so valid for {@link #floatView}). */
    public static boolean isTorch(NDArray x) {
        return x instanceof PtNDArray;
    }

    /**
     * The values of a contiguous float32 CPU array, read in place through a direct buffer (no copy,
     * no JNI call per element). Gap: {@code NDArray.toByteBuffer()} copies; only the engine's
     * array can hand out its own memory. Valid while {@code x} is open.
     */
    public static FloatBuffer floatView(NDArray x) {
        return pt(x).toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * The intra-op thread count of the calling thread's PyTorch ops. Gap: DJL reads the setting
     * only once, from {@code ai.djl.pytorch.num_threads}.
     */
    public static int intraOpThreads() {
        return Math.max(1, JniUtils.getNumThreads());
    }

    /**
     * Sets the intra-op thread count of the calling thread's PyTorch ops. PyTorch also records it
     * as the default of threads that have not run an op yet; callers that change it for a thread
     * of their own must restore that default (see k-means' search threads). Gap: as {@link
     * #intraOpThreads}.
     */
    public static void setIntraOpThreads(int threads) {
        JniUtils.setNumThreads(threads);
    }

    /**
     * Starts the engine's profiler (CPU ops, with input shapes). Gap: DJL has no profiler API.
     * Benchmarks only.
     */
    public static void startProfiler() {
        JniUtils.startProfile(false, true, false);
    }

    /** Stops the profiler and writes a Chrome trace to {@code file}. */
    public static void stopProfiler(Path file) {
        JniUtils.stopProfile(file.toAbsolutePath().toString());
    }

    private static PtNDArray pt(NDArray x) {
        if (x instanceof PtNDArray p) {
            return p;
        }
        throw new IllegalArgumentException("vqlc runs on DJL's PyTorch engine; got an array of "
                + x.getClass().getName());
    }
}
