package io.github.vqlc.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.UserException;
import org.junit.jupiter.api.Test;

class RecentCodesTest {

    @Test
    void countsTheDistinctCodesOfTheLastSteps() {
        try (NDManager m = NDManager.newBaseManager();
                RecentCodes codes = new RecentCodes(m, 10)) {
            codes.record(m.create(new long[] {1, 1, 2, 3}, new Shape(2, 2)), 1);
            codes.record(m.create(new long[] {3, 4, 4, 4}, new Shape(2, 2)), 2);
            codes.record(m.create(new long[] {5, 5}), 3); // a second micro-batch of step 3
            codes.record(m.create(new long[] {6, 5}), 3);
            assertThat(codes.usedInLast(1, 3)).isEqualTo(2); // {5, 6}
            assertThat(codes.usedInLast(2, 3)).isEqualTo(4); // {3, 4, 5, 6}
            assertThat(codes.usedInLast(3, 3)).isEqualTo(6); // {1, ..., 6}
            assertThat(codes.usedInLast(100, 3)).isEqualTo(6);
            assertThat(codes.tokensPerStep()).isEqualTo(4);
            assertThat(codes.stepsFor(9)).isEqualTo(3);
            assertThat(codes.stepsFor(8)).isEqualTo(2);
        }
    }

    @Test
    void aRestoredRecordAnswersLikeTheOriginal() {
        try (NDManager m = NDManager.newBaseManager();
                RecentCodes a = new RecentCodes(m, 6);
                RecentCodes b = new RecentCodes(m, 6)) {
            a.record(m.create(new long[] {0, 5}), 1);
            a.record(m.create(new long[] {2}), 2);
            b.restore(a.state().duplicate());
            assertThat(b.usedInLast(1, 2)).isEqualTo(1);
            assertThat(b.usedInLast(2, 2)).isEqualTo(3);
            try (RecentCodes other = new RecentCodes(m, 7)) {
                assertThatThrownBy(() -> other.restore(a.state()))
                        .isInstanceOf(UserException.class)
                        .hasMessageContaining("7 codes");
            }
        }
    }
}
