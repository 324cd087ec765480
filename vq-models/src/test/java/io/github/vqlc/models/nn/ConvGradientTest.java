package io.github.vqlc.models.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/**
 * Guards the environment: libtorch 2.3.1's oneDNN AVX-512 convolution backward returned garbage
 * (random NaN, run-to-run different values) on AMD EPYC CPUs unless DNNL_MAX_CPU_ISA=AVX2 is set
 * (bin/vqlc and the build set it; docs/djl-pitfalls.md). The input gradient of a conv must be finite
 * and identical over repeated identical backward passes.
 */
class ConvGradientTest {

    @Test
    void convolutionInputGradientsAreFiniteAndRepeatable() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            Conv2d conv = Conv2d.builder()
                    .setFilters(8)
                    .setKernelShape(new Shape(4, 4))
                    .optStride(new Shape(2, 2))
                    .optPadding(new Shape(1, 1))
                    .build();
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 8, 16, 16));
            ParameterStore ps = new ParameterStore(m, false);
            float[] data = m.randomUniform(-1, 1, new Shape(16, 8, 16, 16)).toFloatArray();
            float[] first = null;
            for (int i = 0; i < 20; i++) {
                try (NDManager sub = m.newSubManager();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray x = sub.create(data, new Shape(16, 8, 16, 16));
                    x.setRequiresGradient(true);
                    gc.backward(conv.forward(ps, new NDList(x), true)
                            .singletonOrThrow()
                            .square()
                            .mean());
                    float[] g = x.getGradient().toFloatArray();
                    for (float v : g) {
                        assertThat(Float.isFinite(v))
                                .as("finite gradient in pass %d (is DNNL_MAX_CPU_ISA=AVX2 set?)", i)
                                .isTrue();
                    }
                    if (first == null) {
                        first = g;
                    } else {
                        assertThat(g).as("pass %d equals pass 0", i).containsExactly(first);
                    }
                }
            }
        }
    }
}
