package io.github.vqlc.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JointCodesTest {

    @Test
    void countsDistinctTuplesNotDistinctCodes() {
        JointCodes j = new JointCodes(4, 2);
        // tuples (1, 2), (2, 1), (1, 2), (3, 3): three distinct, though codes 1 and 2 appear at both levels
        j.add(new long[] {1, 2, 2, 1, 1, 2, 3, 3});
        assertThat(j.distinct()).isEqualTo(3);
        assertThat(j.codesPerPosition()).isEqualTo(2);
        assertThatThrownBy(() -> j.add(new long[] {1, 2, 3})).hasMessageContaining("not whole positions of 2");
    }

    @Test
    void tuplesBeyondALongAreMixedAndStillTellApart() {
        // 100,000^4 > 2^63: the mixed key
        JointCodes j = new JointCodes(100_000, 4);
        long[] codes = new long[4 * 1000];
        for (int p = 0; p < 1000; p++) {
            for (int g = 0; g < 4; g++) {
                codes[4 * p + g] = (p * 7919L + g * 104_729L) % 100_000;
            }
        }
        j.add(codes);
        j.add(codes);
        assertThat(j.distinct()).isEqualTo(1000);
    }

    @Test
    void levelUtilizationSplitsThePooledCodes() {
        CodeUsage u = new CodeUsage(8);
        // level 0 owns codes 0..3, level 1 codes 4..7
        u.add(new long[] {0, 1, 4});
        assertThat(u.levelUtilization(2)).containsExactly(0.5, 0.25);
        assertThat(u.utilization()).isEqualTo(3 / 8.0);
    }
}
