package io.github.vqlc.models.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The diffusion transformer and the guided Heun sampler against an independent implementation:
 * golden values from the PyTorch peer of the same model ({@code
 * vq-bench/scripts/pytorch/dit_golden.py}, which regenerates {@code diffusion/dit-golden.npz}):
 * random weights in every layer, times from 0 to 1, the "no class" row, guidance on the first two
 * of four channels.
 */
class DiffusionGoldenTest {

    @Test
    void forwardAndSamplerMatchThePyTorchPeer() throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                InputStream in = DiffusionGoldenTest.class.getResourceAsStream("/diffusion/dit-golden.npz")) {
            Map<String, NDArray> g = new HashMap<>();
            for (NDArray a : NDList.decode(m, in.readAllBytes())) {
                g.put(a.getName(), a);
            }
            DiffusionTransformer model = new DiffusionTransformer(new DiffusionTransformer.Spec(4, 4, 2, 16, 1, 2, 3));
            model.initialize(m, DataType.FLOAT32, new Shape(1, 4, 4, 4), new Shape(1), new Shape(1));
            List<Parameter> params = model.getParameters().values();
            assertThat(params).hasSize(21);
            for (int i = 0; i < params.size(); i++) {
                NDArray w = params.get(i).getArray();
                NDArray golden = g.get(String.format("param_%02d", i));
                assertThat(golden.getShape()).as(params.get(i).getName()).isEqualTo(w.getShape());
                w.subi(w).addi(golden);
            }
            ParameterStore ps = new ParameterStore(m, false);
            NDArray out = model.forward(ps, g.get("x"), g.get("t"), g.get("y").toType(DataType.INT64, false), false);
            assertThat(out.getShape()).isEqualTo(g.get("out").getShape());
            assertClose(out.toFloatArray(), g.get("out").toFloatArray());

            VelocitySampler sampler = new VelocitySampler(
                    (x, t, y) -> model.forward(ps, x, t, y, false), VelocitySampler.Method.HEUN, 3, 2f, 3, 2);
            NDArray sample = sampler.sample(g.get("noise"), g.get("classes").toType(DataType.INT64, false));
            assertClose(sample.toFloatArray(), g.get("sample").toFloatArray());
        }
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i])
                    .as("element " + i)
                    .isCloseTo(expected[i], within(2e-4f + 2e-4f * Math.abs(expected[i])));
        }
    }
}
