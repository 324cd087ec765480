package io.github.vqlc.models.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class TokenSamplerTest {

    @Test
    void topKKeepsTheKLargestLogitsRenormalizedAndAppliesTheTemperature() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {1f, 4f, 2f, 3f}, new Shape(1, 4));
            TokenSampler.Filtered f = TokenSampler.filter(logits, new SamplingOptions(2.0, 2, 1.0));
            assertThat(f.tokens().toLongArray()).containsExactly(1, 3);
            double a = Math.exp(4 / 2.0);
            double b = Math.exp(3 / 2.0);
            float[] p = f.probabilities().toFloatArray();
            assertThat((double) p[0]).isCloseTo(a / (a + b), within(1e-6));
            assertThat((double) p[1]).isCloseTo(b / (a + b), within(1e-6));
        }
    }

    @Test
    void topPKeepsTheSmallestPrefixReachingTheMass() {
        try (NDManager m = NDManager.newBaseManager()) {
            // probabilities 0.5, 0.3, 0.15, 0.05 (as logs)
            NDArray logits = m.create(
                    new float[] {
                        (float) Math.log(0.15), (float) Math.log(0.5), (float) Math.log(0.05), (float) Math.log(0.3)
                    },
                    new Shape(1, 4));
            TokenSampler.Filtered f = TokenSampler.filter(logits, new SamplingOptions(1.0, 4, 0.7));
            assertThat(f.tokens().toLongArray()).containsExactly(1, 3, 0, 2);
            float[] p = f.probabilities().toFloatArray();
            assertThat((double) p[0]).isCloseTo(0.625, within(1e-6)); // 0.5 / 0.8
            assertThat((double) p[1]).isCloseTo(0.375, within(1e-6));
            assertThat(p[2]).isZero();
            assertThat(p[3]).isZero();
            // p = 0.5 keeps only the first; p = 0.81 also the third
            assertThat(TokenSampler.filter(logits, new SamplingOptions(1.0, 4, 0.5))
                            .probabilities()
                            .toFloatArray())
                    .containsExactly(1f, 0f, 0f, 0f);
            assertThat(TokenSampler.filter(logits, new SamplingOptions(1.0, 4, 0.81))
                            .probabilities()
                            .toFloatArray()[2])
                    .isGreaterThan(0f);
        }
    }

    @Test
    void theAuthorsDefaultKeepsTheWholeVocabulary() {
        assertThat(SamplingOptions.authorsDefaults().effectiveTopK(100_000)).isEqualTo(100_000);
        assertThat(SamplingOptions.authorsDefaults().effectiveTopK(5)).isEqualTo(5);
        assertThat(new SamplingOptions(1, 50, 1).effectiveTopK(10)).isEqualTo(10);
    }

    @Test
    void aTokenWithoutMassIsNeverDrawnWhereverItSitsInTheRow() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            float[] row = {0f, -1000f, -1000f, 0f}; // p = 1/2, 0, 0, 1/2 (exact zeros), unsorted
            float[] rows = new float[2000 * 4];
            for (int i = 0; i < 2000; i++) {
                System.arraycopy(row, 0, rows, 4 * i, 4);
            }
            long[] drawn = TokenSampler.next(m.create(rows, new Shape(2000, 4)), SamplingOptions.authorsDefaults())
                    .toLongArray();
            assertThat(drawn).doesNotContain(1L, 2L).contains(0L, 3L);
        }
    }

    @Test
    void withNothingCutTheDrawsFollowTheSoftmaxOfTheWholeVocabulary() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(6);
            float[] row = {0f, (float) Math.log(3), 0f, (float) Math.log(4)}; // p = 1/9, 3/9, 1/9, 4/9
            float[] rows = new float[9000 * 4];
            for (int i = 0; i < 9000; i++) {
                System.arraycopy(row, 0, rows, 4 * i, 4);
            }
            long[] drawn = TokenSampler.next(m.create(rows, new Shape(9000, 4)), SamplingOptions.authorsDefaults())
                    .toLongArray();
            int[] counts = new int[4];
            for (long d : drawn) {
                counts[(int) d]++;
            }
            double[] expected = {1 / 9.0, 3 / 9.0, 1 / 9.0, 4 / 9.0};
            for (int t = 0; t < 4; t++) {
                assertThat(counts[t] / 9000.0).as("token %d", t).isCloseTo(expected[t], within(0.02));
            }
        }
    }

    @Test
    void drawsFollowTheFilteredDistributionAndNeverLeaveIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            float[] row = {0f, (float) Math.log(3), 0f, -50f};
            float[] rows = new float[4000 * 4];
            for (int i = 0; i < 4000; i++) {
                System.arraycopy(row, 0, rows, 4 * i, 4);
            }
            long[] drawn = TokenSampler.next(m.create(rows, new Shape(4000, 4)), new SamplingOptions(1, 2, 1))
                    .toLongArray();
            int ones = 0;
            for (long d : drawn) {
                assertThat(d).isIn(0L, 1L, 2L);
                ones += d == 1 ? 1 : 0;
            }
            // top-2 = {1, one of 0/2}: P(1) = 3/4
            assertThat(ones / 4000.0).isCloseTo(0.75, within(0.03));
        }
    }

    @Test
    void cachedAndUncachedSamplingDrawTheSameTokensUnderOneSeed() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenGpt gpt = TokenGptTest.tiny(m, 7);
            ParameterStore ps = new ParameterStore(m, false);
            TokenSampler sampler = new TokenSampler(gpt, new SamplingOptions(1.0, 0, 0.9));
            NDArray cls = m.create(new long[] {0, 1, 4});
            Engine.getInstance().setRandomSeed(11);
            long[] cached = sampler.sample(ps, cls, true).toLongArray();
            Engine.getInstance().setRandomSeed(11);
            long[] full = sampler.sample(ps, cls, false).toLongArray();
            Engine.getInstance().setRandomSeed(11);
            long[] again = sampler.sample(ps, cls, true).toLongArray();
            assertThat(cached).hasSize(3 * 6).isEqualTo(full).isEqualTo(again);
            for (long t : cached) {
                assertThat(t).isBetween(0L, 36L);
            }
        }
    }
}
