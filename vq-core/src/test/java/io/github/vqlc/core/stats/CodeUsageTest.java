package io.github.vqlc.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CodeUsageTest {

    @Test
    void handCountedUsage() {
        CodeUsage u = new CodeUsage(8);
        u.add(new long[] {0, 0, 1, 3});
        u.add(new long[] {3, 3, 3, 0});
        assertThat(u.used()).isEqualTo(3);
        assertThat(u.deadCodes()).isEqualTo(5);
        assertThat(u.utilization()).isEqualTo(3 / 8.0);
        assertThat(u.total()).isEqualTo(8);
        assertThat(u.sortedDescending()).containsExactly(4, 3, 1, 0, 0, 0, 0, 0);
        // p = (3/8, 1/8, 4/8): perplexity = exp(-sum p ln p)
        double h = -(0.375 * Math.log(0.375) + 0.125 * Math.log(0.125) + 0.5 * Math.log(0.5));
        assertThat(u.perplexity()).isCloseTo(Math.exp(h), within(1e-12));
    }

    @Test
    void uniformUsageHasPerplexityK() {
        CodeUsage u = new CodeUsage(4);
        u.add(new long[] {0, 1, 2, 3, 3, 2, 1, 0});
        assertThat(u.perplexity()).isCloseTo(4.0, within(1e-12));
        assertThat(u.utilization()).isEqualTo(1.0);
    }

    @Test
    void singleCodeHasPerplexityOneAndEmptyHasZero() {
        CodeUsage u = new CodeUsage(5);
        assertThat(u.perplexity()).isEqualTo(0.0);
        u.add(new long[] {2, 2, 2});
        assertThat(u.perplexity()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void mergeAddsCountsAndRejectsOutOfRange() {
        CodeUsage a = new CodeUsage(3);
        CodeUsage b = new CodeUsage(3);
        a.add(new long[] {0});
        b.add(new long[] {2, 2});
        a.merge(b);
        assertThat(a.counts()).containsExactly(1, 0, 2);
        assertThatThrownBy(() -> a.add(new long[] {3})).hasMessageContaining("3");
        assertThatThrownBy(() -> a.merge(new CodeUsage(4))).hasMessageContaining("differ");
    }
}
