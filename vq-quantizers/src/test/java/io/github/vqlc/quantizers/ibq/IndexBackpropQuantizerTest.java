package io.github.vqlc.quantizers.ibq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.core.testing.QuantizerContractTest;
import org.junit.jupiter.api.Test;

class IndexBackpropQuantizerTest extends QuantizerContractTest {

    @Override
    protected Quantizer create(int k, int d) {
        return new IndexBackpropQuantizer(k, d, 0.25f, 1f, 64L << 20);
    }

    /** Codes (1, 0), (3, 3), (-1, 0); latent (1, -0.5): logits 1, 1.5, -1 (L2-nearest would be code 0). */
    private IndexBackpropQuantizer handMade(long budget) {
        IndexBackpropQuantizer q = new IndexBackpropQuantizer(3, 2, 0.25f, 1f, budget);
        q.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 1, 1));
        q.codebook().getArray().set(new float[] {1, 0, 3, 3, -1, 0});
        return q;
    }

    private NDArray handLatent() {
        return manager.create(new float[] {1f, -0.5f}, new Shape(1, 2, 1, 1));
    }

    @Test
    void choosesTheLargestLogitNotTheNearestCode() {
        IndexBackpropQuantizer q = handMade(64L << 20);
        for (boolean training : new boolean[] {false, true}) {
            QuantizerOutput out = q.quantize(ps, handLatent(), training);
            assertThat(out.indices().toLongArray()).as("training %s", training).containsExactly(1);
            assertThat(out.quantized().toFloatArray()).containsExactly(3f, 3f);
            // (3 - 1)^2 + (3 + 0.5)^2 = 16.25 over 2
            assertThat(out.losses().get("codebook").getFloat()).isCloseTo(8.125f, within(1e-5f));
            assertThat(out.losses().get("commitment").getFloat()).isCloseTo(0.25f * 8.125f, within(1e-5f));
        }
    }

    @Test
    void everyCodeAndTheLatentGetGradientThroughTheSoftmax() {
        IndexBackpropQuantizer q = handMade(64L << 20);
        NDArray cb = q.codebook().getArray();
        cb.setRequiresGradient(true);
        NDArray z = handLatent();
        z.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(q.quantize(ps, z, true).quantized().sum());
        }
        // d sum(z_q) / d logit_k = s_k (c_k . 1 - sum_j s_j c_j . 1), s = softmax(1, 1.5, -1)
        double[] s = softmax(1, 1.5, -1);
        double[] rowSum = {1, 6, -1};
        double mean = s[0] * rowSum[0] + s[1] * rowSum[1] + s[2] * rowSum[2];
        double[] dl = new double[3];
        for (int k = 0; k < 3; k++) {
            dl[k] = s[k] * (rowSum[k] - mean);
        }
        // dz = sum_k dl_k c_k
        float[] gz = z.getGradient().toFloatArray();
        assertThat((double) gz[0]).isCloseTo(dl[0] * 1 + dl[1] * 3 + dl[2] * -1, within(1e-5));
        assertThat((double) gz[1]).isCloseTo(dl[1] * 3, within(1e-5));
        // dC_k = dl_k z, plus (1, 1) on the chosen row (z_q's value is that row)
        float[] gc = cb.getGradient().toFloatArray();
        for (int k = 0; k < 3; k++) {
            double chosen = k == 1 ? 1 : 0;
            assertThat((double) gc[2 * k]).as("code %d", k).isCloseTo(dl[k] * 1 + chosen, within(1e-5));
            assertThat((double) gc[2 * k + 1]).as("code %d", k).isCloseTo(dl[k] * -0.5 + chosen, within(1e-5));
            assertThat(Math.abs(dl[k])).as("code %d gets gradient", k).isGreaterThan(1e-3);
        }
    }

    @Test
    void chunkedEvaluationMatchesTheWholeTable() {
        Quantizer a = new IndexBackpropQuantizer(50, 4, 0.25f, 1f, 64L << 20);
        a.initialize(manager, DataType.FLOAT32, new Shape(2, 4, 3, 3));
        // one row of 50 codes per chunk
        IndexBackpropQuantizer b = new IndexBackpropQuantizer(50, 4, 0.25f, 1f, 50 * Float.BYTES);
        b.initialize(manager, DataType.FLOAT32, new Shape(2, 4, 3, 3));
        b.codebook()
                .getArray()
                .set(((IndexBackpropQuantizer) a).codebook().getArray().toFloatArray());
        NDArray z = latents(8, 2, 4, 3, 3);
        assertThat(b.quantize(ps, z, false).indices().toLongArray())
                .isEqualTo(a.quantize(ps, z, true).indices().toLongArray());
    }

    @Test
    void trainingBeyondTheBudgetStopsWithTheBudgetItNeeds() {
        IndexBackpropQuantizer q = handMade(16);
        assertThatThrownBy(() -> q.quantize(ps, handLatent(), true))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("ibq needs 1 MiB for the logits of 1 tokens x 3 codes");
        assertThat(IndexBackpropQuantizer.trainingBytes(2048, 100_000) >> 20).isEqualTo(3906);
        assertThat(QuantizerFactory.discover().contains("ibq")).isTrue();
    }

    private static double[] softmax(double... x) {
        double sum = 0;
        double[] e = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            e[i] = Math.exp(x[i]);
            sum += e[i];
        }
        for (int i = 0; i < x.length; i++) {
            e[i] /= sum;
        }
        return e;
    }
}
