package io.github.vqlc.quantizers.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BinaryCodeEntropyTest {

    private static final long BIG = 64L << 20;
    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void bothEntropiesOfTwoVectorsOfTwoBitsByHand() {
        // logits (0, 0): uniform over 4 codes; logits (ln 3, -inf-ish): p(bit0=1) = 3/4, bit1 = 0
        float ln3 = (float) Math.log(3);
        NDArray a = manager.create(new float[] {0, 0, ln3, -40}, new Shape(2, 2));
        BinaryCodeEntropy.Terms t = new BinaryCodeEntropy(2, BIG).of(a);
        double hQuarter = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
        // per sample: (2 ln 2 + hQuarter) / 2
        assertThat((double) t.perSample().getFloat()).isCloseTo((2 * Math.log(2) + hQuarter) / 2, within(1e-5));
        // p̄ over codes (bit0 + 2 bit1): (1/4 + 1/4, 1/4 + 3/4, 1/4, 1/4) / 2 = (1/8, 1/2, 1/8, 1/4)
        double h = -(2 * 0.125 * Math.log(0.125) + 0.5 * Math.log(0.5) + 0.25 * Math.log(0.25));
        assertThat((double) t.codebook().getFloat()).isCloseTo(h, within(1e-5));
    }

    @Test
    void groupsOfOneBitSumTheBitMarginalEntropies() {
        NDArray a = logits(11, 7, 5);
        float grouped = new BinaryCodeEntropy(1, BIG).of(a).codebook().getFloat();
        float[] p = Activation.sigmoid(a.stopGradient()).mean(new int[] {0}).toFloatArray();
        double sum = 0;
        for (float pi : p) {
            sum -= pi * Math.log(pi) + (1 - pi) * Math.log(1 - pi);
        }
        assertThat((double) grouped).isCloseTo(sum, within(1e-5));
    }

    @Test
    void theChunkedGradientEqualsAutogradThroughTheWholeTable() {
        // 4 bits split 2 + 2, 5 bits 2 + 3, 1 bit 0 + 1
        for (int d : new int[] {4, 5, 1}) {
            NDArray a = logits(3 + d, 9, d);
            float[] expected = autogradOfTheFullTable(a);
            long least = BinaryCodeEntropy.minimumBudget(d);
            for (long budget : new long[] {least, least + BinaryCodeEntropy.bytesPerRow(d), BIG}) {
                NDArray x = a.duplicate();
                x.setRequiresGradient(true);
                float value;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray h = new BinaryCodeEntropy(d, budget).of(x).codebook();
                    value = h.getFloat();
                    gc.backward(h);
                }
                assertThat(value).as("%d bits, budget %d", d, budget).isCloseTo(expected[0], within(1e-5f));
                float[] g = x.getGradient().toFloatArray();
                for (int i = 0; i < g.length; i++) {
                    assertThat(g[i])
                            .as("%d bits, budget %d, gradient %d", d, budget, i)
                            .isCloseTo(expected[i + 1], within(1e-5f));
                }
            }
        }
    }

    @Test
    void aBudgetBelowOneRowIsRefusedWithWhatItNeeds() {
        assertThatThrownBy(() -> new BinaryCodeEntropy(20, 1 << 20))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("20 bits needs at least 12.0 MiB, the budget is 1.0 MiB");
    }

    /** H(p̄) and its gradient by autograd over the materialized (N, 2^d) product table: {value, grad...}. */
    private float[] autogradOfTheFullTable(NDArray a) {
        int d = (int) a.getShape().get(1);
        NDArray x = a.duplicate();
        x.setRequiresGradient(true);
        NDArray bits = BinaryCodeEntropy.bitTable(manager, d); // (d, 2^d)
        float value;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray p = Activation.sigmoid(x).expandDims(2); // (N, d, 1)
            NDArray b = bits.expandDims(0); // (1, d, 2^d)
            // p_n(c) = prod_i (b p + (1 - b)(1 - p))
            NDArray table = b.mul(p).add(b.neg().add(1f).mul(p.neg().add(1f))).prod(new int[] {1});
            NDArray mean = table.mean(new int[] {0});
            NDArray h = mean.mul(mean.log()).sum().neg();
            value = h.getFloat();
            gc.backward(h);
        }
        float[] g = x.getGradient().toFloatArray();
        float[] out = new float[g.length + 1];
        out[0] = value;
        System.arraycopy(g, 0, out, 1, g.length);
        return out;
    }

    private NDArray logits(int seed, int n, int d) {
        manager.getEngine().setRandomSeed(seed);
        return manager.randomNormal(new Shape(n, d)).mul(1.5f);
    }
}
