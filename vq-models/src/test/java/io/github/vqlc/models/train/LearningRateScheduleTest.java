package io.github.vqlc.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void linearWarmupThenHalfCosineToTheFloor() {
        LearningRateSchedule s = new LearningRateSchedule(1.0, 0.1, 10, 110);
        assertThat(s.at(1)).isCloseTo(0.1, within(1e-12));
        assertThat(s.at(10)).isCloseTo(1.0, within(1e-12));
        assertThat(s.at(60)).isCloseTo(0.1 + 0.9 * 0.5, within(1e-12)); // half-way down the cosine
        assertThat(s.at(110)).isCloseTo(0.1, within(1e-12));
        assertThat(new LearningRateSchedule(1.0, 0, 0, 100).at(1))
                .isCloseTo(0.5 * (1 + Math.cos(Math.PI / 100)), within(1e-12));
    }
}
