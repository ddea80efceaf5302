package io.sdclr.steps.internal.augment;

import static com.google.common.truth.Truth.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PadCropFlipTest {

    /** 4 x 4, one channel, pixel (y, x) = 10 * (y + 1) + (x + 1). */
    private static final byte[] IMAGE = {
        11, 12, 13, 14,
        21, 22, 23, 24,
        31, 32, 33, 34,
        41, 42, 43, 44,
    };

    @Test
    void cropOfTheZeroPaddedImage() {
        PadCropFlip t = new PadCropFlip(1, 4, 2); // padded image 8 x 8, crop corner in [0, 4]
        // Corner (0, 3) of the padded image: rows -2..1 and columns 1..4 of the image, 0 outside it.
        assertThat(t.apply(IMAGE, new PadCropFlip.Draw(0, 3, false))).isEqualTo(new byte[] {
            0, 0, 0, 0,
            0, 0, 0, 0,
            12, 13, 14, 0,
            22, 23, 24, 0,
        });
        // Corner (4, 0): rows 2..5 and columns -2..1.
        assertThat(t.apply(IMAGE, new PadCropFlip.Draw(4, 0, false))).isEqualTo(new byte[] {
            0, 0, 31, 32,
            0, 0, 41, 42,
            0, 0, 0, 0,
            0, 0, 0, 0,
        });
        // Centre corner (2, 2): the image itself.
        assertThat(t.apply(IMAGE, new PadCropFlip.Draw(2, 2, false))).isEqualTo(IMAGE);
    }

    @Test
    void flipMirrorsTheCropNotThePaddedImage() {
        PadCropFlip t = new PadCropFlip(1, 4, 2);
        // Crop at (0, 3) as above, then each row reversed (torchvision: RandomCrop, then RandomHorizontalFlip).
        assertThat(t.apply(IMAGE, new PadCropFlip.Draw(0, 3, true))).isEqualTo(new byte[] {
            0, 0, 0, 0,
            0, 0, 0, 0,
            0, 14, 13, 12,
            0, 24, 23, 22,
        });
        assertThat(t.apply(IMAGE, new PadCropFlip.Draw(2, 2, true))).isEqualTo(new byte[] {
            14, 13, 12, 11,
            24, 23, 22, 21,
            34, 33, 32, 31,
            44, 43, 42, 41,
        });
    }

    @Test
    void everyChannelGetsTheSameCropAndFlip() {
        PadCropFlip t = new PadCropFlip(3, 2, 1);
        byte[] rgb = {1, 2, 3, 4, /* G */ 5, 6, 7, 8, /* B */ 9, 10, 11, 12};
        // Corner (2, 1) of the 4 x 4 padded image: image rows 1..2, columns 0..1; then flipped.
        assertThat(t.apply(rgb, new PadCropFlip.Draw(2, 1, true))).isEqualTo(new byte[] {
            4, 3, 0, 0,
            8, 7, 0, 0,
            12, 11, 0, 0,
        });
    }

    @Test
    void pixelValuesAboveOneHundredTwentySevenSurvive() {
        PadCropFlip t = new PadCropFlip(1, 2, 1);
        byte[] image = {(byte) 200, (byte) 255, 0, (byte) 128};
        assertThat(t.apply(image, new PadCropFlip.Draw(1, 1, true))).isEqualTo(new byte[] {(byte) 255, (byte) 200,
            (byte) 128, 0});
    }

    @Test
    void drawsCornerRowThenColumnThenFlipCoinAsTorchvision() {
        PadCropFlip t = new PadCropFlip(1, 28, PadCropFlip.PADDING);
        Set<Integer> tops = new HashSet<>();
        Set<Integer> lefts = new HashSet<>();
        int flips = 0;
        for (long s = 0; s < 2000; s++) {
            PadCropFlip.Draw d = t.draw(new SplittableRandom(s));
            SplittableRandom same = new SplittableRandom(s);
            assertThat(d).isEqualTo(new PadCropFlip.Draw(same.nextInt(9), same.nextInt(9), same.nextDouble() < 0.5));
            tops.add(d.top());
            lefts.add(d.left());
            flips += d.flip() ? 1 : 0;
        }
        // RandomCrop(28, padding=4): the corner takes every value 0..8 in both directions.
        assertThat(tops).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(lefts).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(flips).isIn(com.google.common.collect.Range.closed(900, 1100));
    }

    @Test
    void asAProbeAugmentationItDrawsThenApplies() {
        PadCropFlip t = new PadCropFlip(1, 4, 2);
        byte[] out = new byte[16];
        t.apply(IMAGE, new SplittableRandom(9), out);
        assertThat(out).isEqualTo(t.apply(IMAGE, t.draw(new SplittableRandom(9))));
    }
}
