package io.sdclr.steps.internal.train;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

class LrScheduleTest {
    // lr 0.5 at batch 512, run at batch 256: peak 0.25; 10 iterations of warm-up out of 100.
    private final LrSchedule s = new LrSchedule(0.5 * 256 / 512, 10, 100);

    @Test
    void warmsUpLinearlyFromTheFirstStep() {
        assertThat(s.at(0)).isWithin(1e-12).of(0.025); // scheduler.step() before the first iteration
        assertThat(s.at(4)).isWithin(1e-12).of(0.125);
        assertThat(s.at(9)).isWithin(1e-12).of(0.25);
    }

    @Test
    void decaysByCosineToOneMillionth() {
        assertThat(s.at(54)).isWithin(1e-9).of(1e-6 + (0.25 - 1e-6) * 0.5); // half way through the cosine
        assertThat(s.at(99)).isWithin(1e-12).of(1e-6);
        assertThat(s.at(30)).isLessThan(s.at(20));
    }
}
