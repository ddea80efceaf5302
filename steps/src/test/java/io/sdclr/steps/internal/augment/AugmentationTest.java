package io.sdclr.steps.internal.augment;

import static com.google.common.truth.Truth.assertThat;

import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    private static byte[] image(int channels, int size) {
        byte[] b = new byte[channels * size * size];
        new Random(11).nextBytes(b);
        return b;
    }

    private static float[] view(int channels, long seed) {
        Augmentation aug = new Augmentation(channels, 28, 28);
        float[] out = new float[channels * 28 * 28];
        aug.view(image(channels, 28), new SplittableRandom(seed), out, 0);
        return out;
    }

    @Test
    void sameSeedSameViewOtherSeedOtherView() {
        for (int channels : new int[] {1, 3}) {
            assertThat(view(channels, 42)).isEqualTo(view(channels, 42));
            assertThat(view(channels, 42)).isNotEqualTo(view(channels, 43));
        }
    }

    @Test
    void viewsAreInUnitRangeAndWrittenAtTheOffset() {
        Augmentation aug = new Augmentation(3, 28, 28);
        int pixels = 3 * 28 * 28;
        float[] out = new float[2 * pixels];
        java.util.Arrays.fill(out, -7f);
        for (long seed = 0; seed < 50; seed++) {
            aug.view(image(3, 28), new SplittableRandom(seed), out, pixels);
            for (int i = 0; i < pixels; i++) {
                assertThat(out[i]).isEqualTo(-7f);
                assertThat(out[pixels + i]).isAtLeast(0f);
                assertThat(out[pixels + i]).isAtMost(1f);
            }
        }
    }

    @Test
    void cropBoxesFollowTheScaleAndRatioRange() {
        Augmentation aug = new Augmentation(1, 32, 32);
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < 1000; i++) {
            int[] box = aug.cropBox(rng);
            assertThat(box[0] + box[2]).isAtMost(32);
            assertThat(box[1] + box[3]).isAtMost(32);
            double area = (double) box[2] * box[3] / (32 * 32);
            assertThat(area).isAtLeast(0.05); // 0.1 of the area up to rounding of the sides
        }
    }

    @Test
    void wholeImageCropIsTheIdentityAndHalfCropUpsamples() {
        Augmentation aug = new Augmentation(1, 28, 28);
        byte[] img = image(1, 28);
        float[] out = new float[28 * 28];
        aug.crop(img, new int[] {0, 0, 28, 28}, out, 0);
        for (int i = 0; i < out.length; i++) {
            assertThat(out[i]).isWithin(1e-6f).of((img[i] & 0xFF) / 255f);
        }
        // A constant region stays constant when upsampled (weights are normalised).
        byte[] flat = new byte[28 * 28];
        java.util.Arrays.fill(flat, (byte) 200);
        aug.crop(flat, new int[] {3, 5, 14, 11}, out, 0);
        for (float v : out) {
            assertThat(v).isWithin(1e-5f).of(200 / 255f);
        }
    }
}
