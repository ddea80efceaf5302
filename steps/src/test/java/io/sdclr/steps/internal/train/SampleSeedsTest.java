package io.sdclr.steps.internal.train;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

/** Per-sample seeds (SampleSeeds is package-private to the training loop, so its test lives here). */
class SampleSeedsTest {
    @Test
    void seedsDependOnEveryPart() {
        assertThat(SampleSeeds.mix(1, 2, 3, 1)).isNotEqualTo(SampleSeeds.mix(1, 2, 3, 2));
        assertThat(SampleSeeds.mix(1, 2, 3, 1)).isNotEqualTo(SampleSeeds.mix(1, 3, 2, 1));
        assertThat(SampleSeeds.mix(1, 2, 3, 1)).isEqualTo(SampleSeeds.mix(1, 2, 3, 1));
    }
}
