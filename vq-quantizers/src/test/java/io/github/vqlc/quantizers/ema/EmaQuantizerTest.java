package io.github.vqlc.quantizers.ema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.ops.Segments;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.core.testing.QuantizerContractTest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmaQuantizerTest extends QuantizerContractTest {

    @Override
    protected Quantizer create(int k, int d) {
        return EmaQuantizer.builder().setCodebookSize(k).setEmbeddingDim(d).build();
    }

    /**
     * K = 3, D = 2, decay 0.5, eps 0.1 (round numbers for hand arithmetic). Codebook {(0,0), (1,0),
     * (0,2)}, cluster_size (1, 2, 0.5), embed_sum {(0,0), (2,0), (0,1)}.
     */
    private EmaQuantizer handMade(float restart) {
        EmaQuantizer q = EmaQuantizer.builder()
                .setCodebookSize(3)
                .setEmbeddingDim(2)
                .optDecay(0.5f)
                .optEps(0.1f)
                .optBeta(1f)
                .optRestartThreshold(restart)
                .build();
        q.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 1, 4));
        q.codebook().getArray().set(new float[] {0, 0, 1, 0, 0, 2});
        q.clusterSize().getArray().set(new float[] {1, 2, 0.5f});
        q.embedSum().getArray().set(new float[] {0, 0, 2, 0, 0, 1});
        return q;
    }

    /** (B=1, D=2, H=1, W=4): vectors (0.9,0.1)->1, (0.1,1.8)->2, (-0.2,-0.1)->0, (1.2,-0.1)->1. */
    private NDArray handLatents() {
        return manager.create(new float[] {0.9f, 0.1f, -0.2f, 1.2f, 0.1f, 1.8f, -0.1f, -0.1f}, new Shape(1, 2, 1, 4));
    }

    @Test
    void choosesNearestCodesAndComputesTheCommitmentLossByHand() {
        EmaQuantizer q = handMade(0);
        QuantizerOutput out = q.quantize(ps, handLatents(), false);
        assertThat(out.indices().toLongArray()).containsExactly(1, 2, 0, 1);
        // codes (1,0), (0,2), (0,0), (1,0) laid out as (B, D, H, W)
        assertThat(out.quantized().toFloatArray()).containsExactly(1, 0, 0, 1, 0, 2, 0, 0);
        // squared errors 0.02 + 0.05 + 0.05 + 0.05 = 0.17 over 8 elements, weight 1
        assertThat(out.losses().keySet()).containsExactly("commitment");
        assertThat(out.loss().getFloat()).isCloseTo(0.17f / 8, within(1e-6f));
        // evaluation leaves every statistic alone
        assertThat(q.clusterSize().getArray().toFloatArray()).containsExactly(1, 2, 0.5f);
        assertThat(q.codebook().getArray().toFloatArray()).containsExactly(0, 0, 1, 0, 0, 2);
    }

    @Test
    void oneTrainingStepUpdatesStatisticsAndCodebookAsComputedByHand() {
        EmaQuantizer q = handMade(0);
        QuantizerOutput out = q.quantize(ps, handLatents(), true);
        // the output uses the codebook before the update
        assertThat(out.quantized().toFloatArray()).containsExactly(1, 0, 0, 1, 0, 2, 0, 0);
        // counts (1, 2, 1); sums: code 0 (-0.2,-0.1), code 1 (0.9+1.2, 0.1-0.1) = (2.1, 0), code 2 (0.1, 1.8)
        // cluster_size = 0.5 (1, 2, 0.5) + 0.5 (1, 2, 1) = (1, 2, 0.75)
        float[] cs = q.clusterSize().getArray().toFloatArray();
        assertClose(cs, new double[] {1, 2, 0.75});
        // embed_sum = 0.5 {(0,0),(2,0),(0,1)} + 0.5 sums
        double[] es = {-0.1, -0.05, 2.05, 0, 0.05, 1.4};
        assertClose(q.embedSum().getArray().toFloatArray(), es);
        // n = 3.75; smoothed = (cs + 0.1) / (3.75 + 3 * 0.1) * 3.75
        double n = 3.75;
        double[] smoothed = {(1 + 0.1) / 4.05 * n, (2 + 0.1) / 4.05 * n, (0.75 + 0.1) / 4.05 * n};
        double[] codebook = new double[6];
        for (int i = 0; i < 6; i++) {
            codebook[i] = es[i] / smoothed[i / 2];
        }
        assertClose(q.codebook().getArray().toFloatArray(), codebook);
        // e.g. code 1 = (2.05 / 1.944444, 0) = (1.054286, 0)
        assertThat(q.codebook().getArray().toFloatArray()[2]).isCloseTo(1.054286f, within(1e-5f));
        // lookup now returns the updated codes
        NDArray looked = q.lookup(ps, manager.create(new long[] {1}, new Shape(1, 1, 1)));
        assertThat(looked.toFloatArray()[0]).isCloseTo(1.054286f, within(1e-5f));
    }

    @Test
    void codebookGetsNoGradientWhileItsStatisticsMove() {
        EmaQuantizer q = handMade(0);
        NDArray z = handLatents();
        z.setRequiresGradient(true);
        float[] before = q.codebook().getArray().toFloatArray();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            QuantizerOutput out = q.quantize(ps, z, true);
            gc.backward(out.loss().add(out.quantized().sum()));
        }
        for (String name : new String[] {"codebook", "cluster_size", "embed_sum"}) {
            assertThat(q.getParameters().get(name).requiresGradient()).as(name).isFalse();
            assertThat(q.getParameters().get(name).getArray().hasGradient())
                    .as(name)
                    .isFalse();
        }
        assertThat(q.codebook().getArray().toFloatArray()).isNotEqualTo(before);
        assertThat(q.clusterSize().getArray().toFloatArray()).isNotEqualTo(new float[] {1, 2, 0.5f});
        // d/dz [mean((sg[e] - z)^2) + sum(z + sg[e - z])] = 2 (z - e) / 8 + 1; first element z=0.9, e=1
        assertThat(z.getGradient().toFloatArray()[0]).isCloseTo(1 + 2 * (0.9f - 1f) / 8, within(1e-6f));
        // freezing requests cannot make the buffers trainable
        q.freezeParameters(false);
        assertThat(q.codebook().requiresGradient()).isFalse();
    }

    @Test
    void updateStaysOutOfAutogradEvenIfTheCodebookWasMarkedTrainable() {
        EmaQuantizer q = handMade(0);
        q.codebook().getArray().setRequiresGradient(true); // what a careless caller might do
        NDArray z = handLatents();
        z.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            QuantizerOutput out = q.quantize(ps, z, true);
            gc.backward(out.loss().add(out.quantized().sum()));
        }
        // no in-place error on a leaf, and no gradient reached the codebook
        assertThat(q.codebook().getArray().getGradient().abs().sum().getFloat()).isZero();
        assertThat(q.clusterSize().getArray().toFloatArray()).containsExactly(1, 2, 0.75f);
    }

    @Test
    void deadCodesRestartAtBatchVectors() {
        // code 2 gets no vector: cluster_size 0.5 * 0.5 = 0.25 < 0.4 -> restarted; codes 0, 1 stay
        EmaQuantizer q = handMade(0.4f);
        NDArray z =
                manager.create(new float[] {0.9f, 0.1f, -0.2f, 1.2f, 0.1f, 0.2f, -0.1f, -0.1f}, new Shape(1, 2, 1, 4));
        q.quantize(ps, z, true);
        float[] cs = q.clusterSize().getArray().toFloatArray();
        assertThat(cs[2]).isEqualTo(0.4f);
        float[] cb = q.codebook().getArray().toFloatArray();
        List<String> batch = List.of("0.9,0.1", "0.1,0.2", "-0.2,-0.1", "1.2,-0.1");
        assertThat(batch).contains(cb[4] + "," + cb[5]);
        float[] es = q.embedSum().getArray().toFloatArray();
        assertThat(es[4]).isCloseTo(0.4f * cb[4], within(1e-7f));
        assertThat(es[5]).isCloseTo(0.4f * cb[5], within(1e-7f));
        // used codes follow the regular update: code 0 got two vectors, cluster size 0.5 * 1 + 0.5 * 2 = 1.5
        assertThat(cs[0]).isCloseTo(1.5f, within(1e-6f));
    }

    @Test
    void perCodeSumsOfTheUsedCodesMatchANaiveSum() {
        manager.getEngine().setRandomSeed(11);
        int n = 257;
        int d = 5;
        NDArray x = manager.randomNormal(new Shape(n, d));
        NDArray idx = manager.randomInteger(0L, 40L, new Shape(n), DataType.INT64);
        var unique = idx.unique(null, true, true, true);
        float[] sums =
                Segments.sumByIndex(x, unique.get(1), unique.get(0).size()).toFloatArray();
        long[] codes = unique.get(0).toLongArray();
        float[] xs = x.toFloatArray();
        long[] is = idx.toLongArray();
        for (int m = 0; m < codes.length; m++) {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    if (is[i] == codes[m]) {
                        s += xs[i * d + j];
                    }
                }
                assertThat(sums[m * d + j]).isCloseTo((float) s, within(1e-5f));
            }
        }
    }

    @Test
    void updatesAHundredThousandCodesWithoutAnNByKMatrix() {
        int k = 100_000;
        int d = 8;
        EmaQuantizer q =
                EmaQuantizer.builder().setCodebookSize(k).setEmbeddingDim(d).build();
        q.initialize(manager, DataType.FLOAT32, new Shape(2, d, 4, 4));
        float[] init = q.codebook().getArray().toFloatArray();
        NDArray z = latents(5, 2, d, 4, 4); // 32 vectors
        long t0 = System.nanoTime();
        QuantizerOutput out = q.quantize(ps, z, true);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        long[] idx = out.indices().toLongArray();
        float[] cs = q.clusterSize().getArray().toFloatArray();
        float[] es = q.embedSum().getArray().toFloatArray();
        float[] xs = z.transpose(0, 2, 3, 1).reshape(-1, d).toFloatArray();
        double total = 0;
        for (float c : cs) {
            total += c;
        }
        assertThat(total).isCloseTo(0.01 * 32, within(1e-5));
        int used = (int) idx[0];
        long count = Arrays.stream(idx).filter(i -> i == used).count();
        assertThat(cs[used]).isCloseTo(0.01f * count, within(1e-6f));
        double sum0 = 0;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] == used) {
                sum0 += xs[i * d];
            }
        }
        assertThat(es[used * d]).isCloseTo((float) (0.99 * init[used * d] + 0.01 * sum0), within(1e-6f));
        assertThat(q.codebook().getArray().isNaN().any().getBoolean()).isFalse();
        assertThat(millis).as("one step at K = 100,000 (ms)").isLessThan(10_000);
    }

    @Test
    void factoryReadsDefaultsFromReferenceConf() {
        assertThat(QuantizerFactory.discover().contains("ema")).isTrue();
        Config section = section("");
        EmaQuantizer q =
                (EmaQuantizer) new EmaQuantizerFactory().create(section, new QuantizerContext(4, 0, Path.of(".")));
        assertThat(q.codebookSize()).isEqualTo(1024);
        assertThat(q.embeddingDim()).isEqualTo(4);
        assertThat(q.beta()).isEqualTo(1f);
        assertThat(q.decay()).isEqualTo(0.99f);
        assertThat(q.eps()).isEqualTo(1e-5f);
        assertThat(q.restartThreshold()).isZero();
        EmaQuantizer custom = (EmaQuantizer) new EmaQuantizerFactory()
                .create(
                        section("codebook-size = 7, decay = 0.9, restart-threshold = 0.5, beta = 0.25"),
                        new QuantizerContext(4, 0, Path.of(".")));
        assertThat(custom.codebookSize()).isEqualTo(7);
        assertThat(custom.decay()).isEqualTo(0.9f);
        assertThat(custom.restartThreshold()).isEqualTo(0.5f);
        assertThat(custom.beta()).isEqualTo(0.25f);
        assertThatThrownBy(() -> new EmaQuantizerFactory()
                        .create(section("decay = 1.0"), new QuantizerContext(4, 0, Path.of("."))))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("quantizer.decay");
    }

    /** The section a run would hand the factory: user keys over quantizer-types.ema over common defaults. */
    static Config section(String user) {
        Config reference = ConfigFactory.defaultReference();
        return ConfigFactory.parseString(user)
                .withFallback(reference.getConfig("quantizer"))
                .withFallback(reference.getConfig("quantizer-types.ema"))
                .resolve();
    }

    private static void assertClose(float[] actual, double[] expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("[%d]", i).isCloseTo(expected[i], within(2e-6));
        }
    }
}
