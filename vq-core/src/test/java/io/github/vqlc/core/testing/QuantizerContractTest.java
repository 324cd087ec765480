package io.github.vqlc.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every quantizer honours; each implementation's test extends this class (shipped
 * in vq-core's test-jar) and supplies {@link #create(int, int)}.
 */
public abstract class QuantizerContractTest {

    protected static final int K = 16;
    protected static final int D = 4;
    protected NDManager manager;
    protected ParameterStore ps;

    /** A fresh quantizer with {@code k} codes of width {@code d}. */
    protected abstract Quantizer create(int k, int d);

    @BeforeEach
    void setUpManager() {
        Engine.getInstance().setRandomSeed(7);
        manager = NDManager.newBaseManager();
        ps = new ParameterStore(manager, false);
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    protected Quantizer initialized(int k, int d) {
        Quantizer q = create(k, d);
        q.initialize(manager, DataType.FLOAT32, new Shape(2, d, 3, 3));
        return q;
    }

    protected NDArray latents(long seed, int b, int d, int h, int w) {
        manager.getEngine().setRandomSeed((int) seed);
        return manager.randomNormal(new Shape(b, d, h, w));
    }

    @Test
    void outputShapesAndIndexRange() {
        Quantizer q = initialized(K, D);
        QuantizerOutput out = q.quantize(ps, latents(1, 2, D, 3, 5), false);
        assertThat(out.quantized().getShape()).isEqualTo(new Shape(2, D, 3, 5));
        int g = q.codesPerPosition();
        assertThat(out.indices().getShape()).isEqualTo(g == 1 ? new Shape(2, 3, 5) : new Shape(2, 3, 5, g));
        assertThat(out.indices().getDataType()).isEqualTo(DataType.INT64);
        long[] idx = out.indices().toLongArray();
        assertThat(Arrays.stream(idx).allMatch(i -> i >= 0 && i < K))
                .as("indices in [0, K)")
                .isTrue();
        assertThat(q.codebookSize()).isEqualTo(K);
        // a quantizer may have no loss term (FSQ): the summed loss is then a zero scalar
        assertThat(out.loss().getShape()).isEqualTo(new Shape());
        assertThat(Float.isFinite(out.loss().getFloat())).isTrue();
    }

    @Test
    void lookupReturnsExactlyTheQuantizedVectors() {
        Quantizer q = initialized(K, D);
        QuantizerOutput out = q.quantize(ps, latents(2, 2, D, 4, 4), false);
        NDArray looked = q.lookup(ps, out.indices());
        assertThat(looked.getShape()).isEqualTo(out.quantized().getShape());
        assertThat(looked.sub(out.quantized()).abs().max().getFloat()).isLessThan(1e-5f);
    }

    @Test
    void parametersSaveAndLoad() throws Exception {
        Quantizer a = initialized(K, D);
        NDArray z = latents(3, 2, D, 3, 3);
        // a training step may change buffers (EMA); the saved state must still round-trip
        a.quantize(ps, z, true);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        a.saveParameters(new DataOutputStream(bytes));
        Engine.getInstance().setRandomSeed(99);
        Quantizer b = initialized(K, D);
        b.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        NDArray za = a.quantize(ps, z, false).quantized();
        NDArray zb = b.quantize(ps, z, false).quantized();
        assertThat(za.sub(zb).abs().max().getFloat()).isEqualTo(0f);
        assertThat(a.quantize(ps, z, false).indices().toLongArray())
                .isEqualTo(b.quantize(ps, z, false).indices().toLongArray());
    }

    @Test
    void straightThroughGradientReachesTheInput() {
        Quantizer q = initialized(K, D);
        NDArray z = latents(4, 2, D, 3, 3);
        z.setRequiresGradient(true);
        for (Parameter p : q.getParameters().values()) {
            if (p.requiresGradient()) {
                p.getArray().setRequiresGradient(true);
            }
        }
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(q.quantize(ps, z, true).quantized().sum());
        }
        NDArray grad = z.getGradient();
        // d sum(z + sg(zq - z)) / dz = 1 everywhere (a projection may scale it, but never zero it)
        assertThat(grad.abs().sum().getFloat()).isGreaterThan(0f);
        assertThat(grad.isNaN().any().getBoolean()).isFalse();
    }
}
