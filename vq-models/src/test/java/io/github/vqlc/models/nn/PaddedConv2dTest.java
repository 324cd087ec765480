package io.github.vqlc.models.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/**
 * A convolution is linear in its input, so the exact directional derivative of
 * L(x) = sum(g * conv(x)) along v is L(x + v) - L(x), from two forward passes (which are right).
 * The input gradient must match it for every filter count, even when freed memory holds NaN:
 * plain oneDNN convolutions fail this for filter counts that are not a multiple of 8 (see
 * PaddedConv2d), which is what this test guards.
 */
class PaddedConv2dTest {

    @Test
    void inputGradientIsExactForEveryFilterCountEvenWithNaNInFreedMemory() {
        int[][] shapes = {{3, 1, 1}, {4, 2, 1}, {4, 1, 1}, {1, 1, 0}}; // kernel, stride, padding
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            for (int[] k : shapes) {
                for (int filters : new int[] {1, 3, 8, 9, 16, 24}) {
                    Shape in = new Shape(4, 32, 8, 8);
                    Conv2d conv = new PaddedConv2d(Conv2d.builder()
                            .setFilters(filters)
                            .setKernelShape(new Shape(k[0], k[0]))
                            .optStride(new Shape(k[1], k[1]))
                            .optPadding(new Shape(k[2], k[2])));
                    conv.initialize(m, DataType.FLOAT32, in);
                    ParameterStore ps = new ParameterStore(m, false);
                    NDArray x = m.randomUniform(-1, 1, in);
                    NDArray v = m.randomNormal(in);
                    NDArray g = m.randomNormal(conv.getOutputShapes(new Shape[] {in})[0]);
                    double exact = loss(conv, ps, x.add(v), g) - loss(conv, ps, x, g);
                    for (int pass = 0; pass < 3; pass++) {
                        try (NDManager sub = m.newSubManager()) {
                            NDArray leaf = x.duplicate();
                            leaf.attach(sub);
                            leaf.setRequiresGradient(true);
                            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                                NDArray out =
                                        conv.forward(ps, new NDList(leaf), true).singletonOrThrow();
                                assertThat(out.getShape().get(1)).isEqualTo(filters);
                                NDArray l = out.mul(g).sum();
                                poisonFreedMemory(sub);
                                gc.backward(l);
                            }
                            double analytic = leaf.getGradient().mul(v).sum().getFloat();
                            assertThat(analytic)
                                    .as("k%d s%d, %d filters, pass %d", k[0], k[1], filters, pass)
                                    .isCloseTo(exact, within(1e-3 * Math.abs(exact) + 1e-3));
                        }
                    }
                }
            }
        }
    }

    @Test
    void keepsThePlainConvolutionsParametersAndOutput() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape in = new Shape(2, 8, 6, 6);
            Conv2d padded = Layers.conv(3, 3);
            padded.initialize(m, DataType.FLOAT32, in);
            assertThat(padded.getParameters().get("weight").getArray().getShape())
                    .isEqualTo(new Shape(3, 8, 3, 3));
            assertThat(padded.getParameters().get("bias").getArray().getShape()).isEqualTo(new Shape(3));
            NDArray x = m.randomNormal(in);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray ours = padded.forward(ps, new NDList(x), false).singletonOrThrow();
            Parameter w = padded.getParameters().get("weight");
            Parameter b = padded.getParameters().get("bias");
            NDArray plain = Conv2d.conv2d(x, w.getArray(), b.getArray(), new Shape(1, 1), new Shape(1, 1))
                    .singletonOrThrow();
            assertThat(ours.getShape()).isEqualTo(new Shape(2, 3, 6, 6));
            assertThat(ours.sub(plain).abs().max().getFloat()).isLessThan(1e-5f);
        }
    }

    private static double loss(Conv2d conv, ParameterStore ps, NDArray x, NDArray g) {
        return conv.forward(ps, new NDList(x), false)
                .singletonOrThrow()
                .mul(g)
                .sum()
                .getFloat();
    }

    /** Leaves NaN in blocks the allocator may hand out next, so a read of unwritten memory shows. */
    private static void poisonFreedMemory(NDManager m) {
        for (long size = 1024; size < 2_000_000; size = size * 3 / 2) {
            m.full(new Shape(size), Float.NaN).close();
        }
    }
}
