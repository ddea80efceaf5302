package io.sdclr.steps.internal.augment;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ProbeAugmentationTest {

    @Test
    void seedDependsOnProbeSeedEpochAndImageOnly() {
        long base = ProbeAugmentation.seed(1, 3, 42);
        assertThat(ProbeAugmentation.seed(1, 3, 42)).isEqualTo(base);
        assertThat(ProbeAugmentation.seed(2, 3, 42)).isNotEqualTo(base);
        assertThat(ProbeAugmentation.seed(1, 4, 42)).isNotEqualTo(base);
        assertThat(ProbeAugmentation.seed(1, 3, 43)).isNotEqualTo(base);
    }

    /** The values PadCropFlip.seed gave before probe.transform existed: crop probes draw what they drew. */
    @Test
    void seedsAreThoseOfTheCropProbeBeforeTransformsWereNamed() {
        assertThat(ProbeAugmentation.seed(1, 3, 42)).isEqualTo(4693312126327112791L);
        assertThat(ProbeAugmentation.seed(0, 0, 0)).isEqualTo(-3750992026347467230L);
    }

    @Test
    void namedBuildsTheTransformOfEachName() {
        assertThat(ProbeAugmentation.named("crop", 3, 32)).isInstanceOf(PadCropFlip.class);
        assertThat(ProbeAugmentation.named("crop", 3, 32).description())
                .isEqualTo("RandomCrop(32, padding=4) + RandomHorizontalFlip");
        assertThat(ProbeAugmentation.named("resized-crop", 3, 224)).isInstanceOf(ResizedCropFlip.class);
        assertThat(ProbeAugmentation.named("resized-crop", 3, 224).description()).isEqualTo(
                "RandomResizedCrop(224, scale=(0.08, 1), ratio=(3/4, 4/3), bilinear) + RandomHorizontalFlip");
        assertThat(ProbeAugmentation.NAMES).containsExactly("crop", "resized-crop").inOrder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProbeAugmentation.named("foo", 3, 32));
        assertThat(e).hasMessageThat().isEqualTo("probe transform \"foo\": expected one of crop, resized-crop");
    }
}
