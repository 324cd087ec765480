package io.github.vqlc.models.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class TokenGptTest {

    static final GptSpec TINY = new GptSpec(37, 2, 3, 4, 2, 32, 4, 0.0);

    static TokenGpt tiny(NDManager m, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        TokenGpt gpt = new TokenGpt(TINY);
        gpt.initialize(m);
        return gpt;
    }

    private static float maxAbsDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    @Test
    void logitsHaveOneRowPerPositionAndTheParameterCountIsAsComputed() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenGpt gpt = tiny(m, 1);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray logits = gpt.logits(
                    ps, m.create(new long[] {0, 4}), m.create(new long[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3)), false);
            assertThat(logits.getShape()).isEqualTo(new Shape(2, 4, 37));
            long params = gpt.getParameters().values().stream()
                    .mapToLong(p -> p.getArray().size())
                    .sum();
            assertThat(params).isEqualTo(TINY.parameterCount());
        }
    }

    @Test
    void changingAFutureTokenDoesNotChangeEarlierLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenGpt gpt = tiny(m, 2);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray cls = m.create(new long[] {1});
            NDArray a = gpt.logits(ps, cls, m.create(new long[] {3, 7, 9, 11, 13}, new Shape(1, 5)), false);
            NDArray b = gpt.logits(ps, cls, m.create(new long[] {3, 7, 9, 30, 13}, new Shape(1, 5)), false);
            // token 3 (index 3) enters at position 4: positions 0..3 are unchanged, 4 and 5 change
            assertThat(maxAbsDiff(a.get(":, :4, :"), b.get(":, :4, :"))).isEqualTo(0f);
            assertThat(maxAbsDiff(a.get(":, 4:, :"), b.get(":, 4:, :"))).isGreaterThan(1e-4f);
            // the class changes everything
            NDArray c = gpt.logits(
                    ps, m.create(new long[] {2}), m.create(new long[] {3, 7, 9, 11, 13}, new Shape(1, 5)), false);
            assertThat(maxAbsDiff(a.get(":, 0, :"), c.get(":, 0, :"))).isGreaterThan(1e-4f);
        }
    }

    @Test
    void cachedIncrementalLogitsEqualTheFullForward() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenGpt gpt = tiny(m, 3);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray cls = m.create(new long[] {0, 2, 4});
            NDArray tokens = m.randomInteger(0, 37, new Shape(3, 5), DataType.INT64);
            NDArray full = gpt.logits(ps, cls, tokens, false); // (3, 6, 37)
            try (KvCache cache = new KvCache(m, TINY.layers())) {
                NDArray first = gpt.forwardCached(ps, cache, cls, null);
                assertThat(cache.length()).isEqualTo(1);
                assertThat(maxAbsDiff(first, full.get(":, 0:1, :"))).isLessThan(1e-5f);
                // two tokens at once (masked prefill), then one at a time
                NDArray two = gpt.forwardCached(ps, cache, null, tokens.get(":, 0:2"));
                assertThat(maxAbsDiff(two, full.get(":, 1:3, :"))).isLessThan(1e-5f);
                for (int i = 2; i < 5; i++) {
                    NDArray step = gpt.forwardCached(ps, cache, null, tokens.get(new NDIndex(":, {}:{}", i, i + 1)));
                    assertThat(maxAbsDiff(step, full.get(new NDIndex(":, {}:{}, :", i + 1, i + 2))))
                            .as("position %d", i + 1)
                            .isLessThan(1e-5f);
                }
                assertThat(cache.length()).isEqualTo(6);
            }
            // the cache-free sampling step: the last position's logits only
            NDArray next = gpt.nextLogits(ps, cls, tokens.get(":, 0:3"));
            assertThat(next.getShape()).isEqualTo(new Shape(3, 1, 37));
            assertThat(maxAbsDiff(next, full.get(":, 3:4, :"))).isLessThan(1e-5f);
            try (KvCache unused = new KvCache(m, 1)) {
                assertThat(unused.length()).isZero();
            }
        }
    }

    @Test
    void crossEntropyMatchesAHandComputationWithAndWithoutSmoothing() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] l = {1f, 2f, 3f, 0f, 0f, 0f};
            NDArray logits = m.create(l, new Shape(1, 2, 3));
            NDArray targets = m.create(new long[] {2, 0}, new Shape(1, 2));
            double lse0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
            double lse1 = Math.log(3);
            double nll = ((lse0 - 3) + (lse1 - 0)) / 2;
            assertThat((double) TokenCrossEntropy.loss(logits, targets, 0).getFloat())
                    .isCloseTo(nll, within(1e-6));
            double uniform = ((lse0 - 2) + lse1) / 2; // mean over V of -log p
            assertThat((double) TokenCrossEntropy.loss(logits, targets, 0.1).getFloat())
                    .isCloseTo(0.9 * nll + 0.1 * uniform, within(1e-6));
        }
    }
}
