package io.github.vqlc.quantizers.fc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.github.vqlc.core.engine.TorchOps;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.core.testing.QuantizerContractTest;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FactorizedQuantizerTest extends QuantizerContractTest {

    @Override
    protected Quantizer create(int k, int d) {
        return FactorizedQuantizer.builder()
                .setCodebookSize(k)
                .setEmbeddingDim(d)
                .optFactorDim(3)
                .build();
    }

    private static final float S = (float) Math.sqrt(0.5);

    /**
     * D = F = 2 with both projections the identity, so the look-up space is the latent space.
     * Raw codebook {(2,0), (0,3), (-1,-1)}: normalized {(1,0), (0,1), (-s,-s)}, s = sqrt(1/2).
     */
    private FactorizedQuantizer handMade() {
        return handMade(FactorizedQuantizer.builder());
    }

    private FactorizedQuantizer handMade(FactorizedQuantizer.Builder options) {
        FactorizedQuantizer q =
                options.setCodebookSize(3).setEmbeddingDim(2).optFactorDim(2).build();
        q.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 1, 3));
        q.codebook().getArray().set(new float[] {2, 0, 0, 3, -1, -1});
        for (var lin : new Block[] {q.projectIn(), q.projectOut()}) {
            lin.getParameters().get("weight").getArray().set(new float[] {1, 0, 0, 1});
            lin.getParameters().get("bias").getArray().set(new float[] {0, 0});
        }
        return q;
    }

    /** Vectors (3, 4) -> u (0.6, 0.8); (0, -2) -> (0, -1); (-1, -2) -> (-1, -2)/sqrt(5). */
    private NDArray handLatents() {
        return manager.create(new float[] {3, 0, -1, 4, -2, -2}, new Shape(1, 2, 1, 3));
    }

    @Test
    void searchesAndMeasuresLossInTheNormalizedSpaceByHand() {
        FactorizedQuantizer q = handMade();
        QuantizerOutput out = q.quantize(ps, handLatents(), false);
        // u1 = (0.6, 0.8): |u-c|^2 = 2 - 2 cos: cos to c0 0.6, c1 0.8, c2 -0.99 -> code 1
        // u2 = (0, -1): cos 0, -1, s -> code 2
        // u3 = (-1, -2)/sqrt5: cos -0.447, -0.894, 3s/sqrt5 = 0.949 -> code 2
        assertThat(out.indices().toLongArray()).containsExactly(1, 2, 2);
        float[] zq = out.quantized().toFloatArray(); // (B, D, H, W): channel 0 then channel 1
        float[] expected = {0, -S, -S, 1, -S, -S};
        for (int i = 0; i < 6; i++) {
            assertThat(zq[i]).as("quantized[%d]", i).isCloseTo(expected[i], within(1e-6f));
        }
        double r5 = Math.sqrt(5);
        double sq = Math.pow(0.6, 2)
                + Math.pow(0.8 - 1, 2) // u1 vs (0, 1)
                + Math.pow(0 + S, 2)
                + Math.pow(-1 + S, 2) // u2 vs (-s, -s)
                + Math.pow(-1 / r5 + S, 2)
                + Math.pow(-2 / r5 + S, 2); // u3 vs (-s, -s)
        assertThat((double) out.losses().get("commitment").getFloat()).isCloseTo(sq / 6, within(1e-6));
        assertThat((double) out.losses().get("codebook").getFloat()).isCloseTo(0.33 * sq / 6, within(1e-6));
    }

    @Test
    void withoutNormalizationTheLookUpIsPlainNearestCodeInTheLowDimSpace() {
        FactorizedQuantizer q = handMade(FactorizedQuantizer.builder()
                .optL2Normalize(false)
                .optCommitmentWeight(0.25f)
                .optBeta(1f));
        QuantizerOutput out = q.quantize(ps, handLatents(), false);
        // (3, 4): |.-(2,0)|^2 = 17, |.-(0,3)|^2 = 10, |.-(-1,-1)|^2 = 41 -> 1
        // (0, -2): 8, 25, 2 -> 2;  (-1, -2): 13, 26, 1 -> 2
        assertThat(out.indices().toLongArray()).containsExactly(1, 2, 2);
        assertThat(out.quantized().toFloatArray()).containsExactly(0, -1, -1, 3, -1, -1);
        double sq = 9 + 1 + 1 + 1 + 0 + 1; // (3,4)-(0,3), (0,-2)-(-1,-1), (-1,-2)-(-1,-1)
        assertThat((double) out.losses().get("codebook").getFloat()).isCloseTo(sq / 6, within(1e-6));
        assertThat((double) out.losses().get("commitment").getFloat()).isCloseTo(0.25 * sq / 6, within(1e-6));
    }

    @Test
    void theAuthorsCodebookInitIsUniformWithinOneOverK() {
        FactorizedQuantizer q = FactorizedQuantizer.builder()
                .setCodebookSize(500)
                .setEmbeddingDim(4)
                .optUniformCodebook(true)
                .build();
        q.initialize(manager, DataType.FLOAT32, new Shape(1, 4, 1, 1));
        NDArray c = q.codebook().getArray();
        assertThat(c.abs().max().getFloat()).isLessThanOrEqualTo(1f / 500).isGreaterThan(0.9f / 500);
    }

    @Test
    void projectedVectorsAndCodesHaveUnitNorm() {
        NDArray x = manager.create(new float[] {3, 4, 0, 0, -1e-3f, 2e-3f, 5, -12}, new Shape(4, 2));
        float[] n = FactorizedQuantizer.normalize(x).square().sum(new int[] {1}).toFloatArray();
        assertThat(n[0]).isCloseTo(1f, within(1e-6f));
        assertThat(n[1]).isZero(); // a zero vector stays zero (no NaN)
        assertThat(n[2]).isCloseTo(1f, within(1e-6f));
        assertThat(n[3]).isCloseTo(1f, within(1e-6f));
        // before the output projection, every chosen code is a unit vector: with an identity
        // project_out and random project_in/codebook, the output rows have norm 1
        FactorizedQuantizer q = (FactorizedQuantizer) initialized(32, 4);
        q.projectOut().getParameters().get("weight").getArray().set(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0});
        q.projectOut().getParameters().get("bias").getArray().set(new float[4]);
        NDArray zq = q.quantize(ps, latents(9, 2, 4, 3, 3), false).quantized();
        float[] norms = zq.square().sum(new int[] {1}).toFloatArray();
        for (float v : norms) {
            assertThat(v).isCloseTo(1f, within(1e-5f));
        }
    }

    @Test
    void lookupIsBitIdenticalToTheBackProjectedCodes() {
        FactorizedQuantizer q = (FactorizedQuantizer) initialized(64, 6);
        QuantizerOutput out = q.quantize(ps, latents(8, 3, 6, 4, 5), true);
        NDArray looked = q.lookup(ps, out.indices());
        assertThat(looked.getShape()).isEqualTo(new Shape(3, 6, 4, 5));
        assertThat(looked.toFloatArray()).containsExactly(out.quantized().toFloatArray());
    }

    @Test
    void gradientsReachTheRightParameters() {
        FactorizedQuantizer q = (FactorizedQuantizer) initialized(K, D);
        Parameter cb = q.codebook();
        Parameter in = q.projectIn().getParameters().get("weight");
        Parameter outW = q.projectOut().getParameters().get("weight");
        for (Parameter p : q.getParameters().values()) {
            p.getArray().setRequiresGradient(true);
        }
        NDArray z = latents(3, 2, D, 3, 3);
        // decoder path only: project_out and project_in get gradient, the codebook none
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(q.quantize(ps, z, true).quantized().square().sum());
        }
        assertThat(outW.getArray().getGradient().abs().sum().getFloat()).isGreaterThan(0f);
        assertThat(in.getArray().getGradient().abs().sum().getFloat()).isGreaterThan(0f);
        assertThat(cb.getArray().getGradient().abs().sum().getFloat()).isZero();
        zeroGrads(q);
        // codebook term: only the codebook, only the chosen rows
        QuantizerOutput out;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            out = q.quantize(ps, z, true);
            gc.backward(out.losses().get("codebook"));
        }
        assertThat(in.getArray().getGradient().abs().sum().getFloat()).isZero();
        float[] g = cb.getArray().getGradient().abs().sum(new int[] {1}).toFloatArray();
        Set<Long> chosen = new HashSet<>();
        for (long i : out.indices().toLongArray()) {
            chosen.add(i);
        }
        for (int k = 0; k < K; k++) {
            assertThat(g[k] > 0).as("row %d has gradient iff chosen", k).isEqualTo(chosen.contains((long) k));
        }
        zeroGrads(q);
        // commitment term: project_in, not the codebook
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(q.quantize(ps, z, true).losses().get("commitment"));
        }
        assertThat(in.getArray().getGradient().abs().sum().getFloat()).isGreaterThan(0f);
        assertThat(cb.getArray().getGradient().abs().sum().getFloat()).isZero();
    }

    @Test
    void factoryReadsDefaultsFromReferenceConf() {
        assertThat(QuantizerFactory.discover().contains("fc")).isTrue();
        Config reference = ConfigFactory.defaultReference();
        Config section = ConfigFactory.parseString("codebook-size = 100")
                .withFallback(reference.getConfig("quantizer"))
                .withFallback(reference.getConfig("quantizer-types.fc"))
                .resolve();
        FactorizedQuantizer q = (FactorizedQuantizer)
                new FactorizedQuantizerFactory().create(section, new QuantizerContext(64, 0, Path.of(".")));
        assertThat(q.factorDim()).isEqualTo(8);
        assertThat(q.l2Normalize()).isTrue();
        assertThat(q.codebookSize()).isEqualTo(100);
        q.initialize(manager, DataType.FLOAT32, new Shape(1, 64, 2, 2));
        assertThat(q.codebook().getArray().getShape()).isEqualTo(new Shape(100, 8));
        // beta = 0.33 on the codebook term, 1 on the commitment term: the two differ by that factor
        QuantizerOutput out = q.quantize(ps, latents(1, 1, 64, 2, 2), false);
        assertThat(out.losses().get("codebook").getFloat())
                .isCloseTo(0.33f * out.losses().get("commitment").getFloat(), within(1e-6f));
    }

    private static void zeroGrads(Quantizer q) {
        for (Parameter p : q.getParameters().values()) {
            TorchOps.zeroGradient(p.getArray());
        }
    }
}
