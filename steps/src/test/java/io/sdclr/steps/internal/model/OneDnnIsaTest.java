package io.sdclr.steps.internal.model;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OneDnnIsaTest {

    private static EncoderSpec width(double w) {
        return new EncoderSpec("sdclr", "resnet18", w, 1, 8, List.of(0.5), List.of(0.25));
    }

    @Test
    void onlyChannelCountsThatAreNotMultiplesOf16AreAffected() {
        assertThat(OneDnnIsa.affects(width(0.125))).isTrue(); // 8, 16, 32, 64
        assertThat(OneDnnIsa.affects(width(0.3))).isTrue(); // 19, ...
        assertThat(OneDnnIsa.affects(width(0.25))).isFalse(); // 16, 32, 64, 128
        assertThat(OneDnnIsa.affects(width(1.0))).isFalse();
    }
}
