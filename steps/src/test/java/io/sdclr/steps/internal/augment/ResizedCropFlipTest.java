package io.sdclr.steps.internal.augment;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.collect.Range;
import io.sdclr.steps.internal.augment.ResizedCropFlip.Box;
import io.sdclr.steps.internal.augment.ResizedCropFlip.Draw;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ResizedCropFlipTest {

    /** 4 x 4, one channel. */
    private static final byte[] IMAGE = {
        10, 21, 30, 40,
        50, 61, 70, 80,
        90, 101, 110, 120,
        (byte) 130, (byte) 141, (byte) 150, (byte) 160,
    };

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void enlargingTwiceInterpolatesAtQuarterPixelsAndClampsAtTheEdges() {
        ResizedCropFlip t = new ResizedCropFlip(1, 4);
        // Crop rows 1..2, columns 0..1: [[50, 61], [90, 101]] to 4 x 4. Output pixel i samples source coordinate
        // (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25: weights (1), (3/4, 1/4), (1/4, 3/4), (1), the outer ones
        // clamped to the edge pixel. Rows first, rounded half up to a byte: 52.75 -> 53, 58.25 -> 58, 92.75 -> 93.
        // Then columns: 0.75 * 50 + 0.25 * 90 = 60, 0.75 * 53 + 0.25 * 93 = 63, ...
        assertThat(t.apply(IMAGE, new Draw(new Box(1, 0, 2, 2), false))).isEqualTo(bytes(
                50, 53, 58, 61,
                60, 63, 68, 71,
                80, 83, 88, 91,
                90, 93, 98, 101));
    }

    @Test
    void enlargingByAFourthUsesPilsWindowsAndWeights() {
        ResizedCropFlip t = new ResizedCropFlip(1, 4);
        // Crop rows 0..2, columns 1..2: [[21, 30], [61, 70], [101, 110]]. Columns 2 -> 4 as above; rows 3 -> 4 sample
        // -0.125, 0.625, 1.375, 2.125: weights (1), (3/8, 5/8), (5/8, 3/8), (1).
        // Row 1: 3/8 * 21 + 5/8 * 61 = 46, 3/8 * 23 + 5/8 * 63 = 48, 3/8 * 28 + 5/8 * 68 = 53, 3/8 * 30 + 5/8 * 70 = 55.
        byte[] expected = bytes(
                21, 23, 28, 30,
                46, 48, 53, 55,
                76, 78, 83, 85,
                101, 103, 108, 110);
        assertThat(t.apply(IMAGE, new Draw(new Box(0, 1, 3, 2), false))).isEqualTo(expected);
        // Flipped: each output row reversed (RandomResizedCrop, then RandomHorizontalFlip).
        assertThat(t.apply(IMAGE, new Draw(new Box(0, 1, 3, 2), true))).isEqualTo(bytes(
                30, 28, 23, 21,
                55, 53, 48, 46,
                85, 83, 78, 76,
                110, 108, 103, 101));
    }

    @Test
    void eachPassRoundsHalfUpToAByteAsPillowDoes() {
        ResizedCropFlip t = new ResizedCropFlip(1, 4);
        byte[] image = bytes(
                0, 0, 9, 9,
                0, 2, 9, 9,
                9, 9, 9, 9,
                9, 9, 9, 9);
        // Crop [[0, 0], [0, 2]]. Rows: [0, 0, 0, 0] and [0, 0.5 -> 1, 1.5 -> 2, 2]. Columns from those bytes:
        // 0.75 * 0 + 0.25 * 1 = 0.25 -> 0, 0.25 * 2 = 0.5 -> 1, 0.75 * 1 = 0.75 -> 1, 0.75 * 2 = 1.5 -> 2.
        // Rounding once at the end (row 1 in floats: 0, 0.125, 0.375, 0.5) would give 0, 0, 0, 1.
        assertThat(t.apply(image, new Draw(new Box(0, 0, 2, 2), false))).isEqualTo(bytes(
                0, 0, 0, 0,
                0, 0, 1, 1,
                0, 1, 2, 2,
                0, 1, 2, 2));
    }

    /** 7 x 7, pixel (y, x) = (31 y^2 + 17 x^2 + 7 x y + 5) mod 256: no structure a wrong weight could hide in. */
    private static byte[] texture() {
        byte[] b = new byte[49];
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 7; x++) {
                b[y * 7 + x] = (byte) ((31 * y * y + 17 * x * x + 7 * x * y + 5) % 256);
            }
        }
        return b;
    }

    @Test
    void matchesPillowOnOddSizedCrops() {
        ResizedCropFlip t = new ResizedCropFlip(1, 7);
        // Pillow 9.4: Image.fromarray(img, 'L').crop((2, 1, 7, 4)).resize((7, 7), Image.BILINEAR)
        //     .transpose(Image.FLIP_LEFT_RIGHT)  (PIL boxes are left, top, right, bottom)
        assertThat(t.apply(texture(), new Draw(new Box(1, 2, 3, 5), true))).isEqualTo(bytes(
                178, 213, 194, 80, 173, 171, 118,
                161, 195, 186, 97, 163, 166, 133,
                109, 142, 161, 149, 135, 150, 179,
                57, 88, 137, 201, 106, 135, 225,
                141, 108, 108, 170, 151, 162, 188,
                226, 128, 79, 138, 196, 190, 150,
                254, 135, 69, 128, 211, 199, 138));
        // .crop((0, 2, 6, 6)).resize((7, 7), Image.BILINEAR)
        assertThat(t.apply(texture(), new Draw(new Box(2, 0, 4, 6), false))).isEqualTo(bytes(
                129, 153, 202, 147, 116, 182, 112,
                93, 119, 170, 163, 147, 156, 88,
                35, 65, 118, 188, 197, 115, 51,
                137, 69, 99, 181, 195, 106, 44,
                228, 77, 87, 164, 179, 105, 46,
                95, 62, 107, 113, 111, 134, 79,
                12, 53, 119, 82, 69, 153, 100));
    }

    @Test
    void theWholeImageUnflippedIsTheImage() {
        ResizedCropFlip t = new ResizedCropFlip(1, 7);
        assertThat(t.apply(texture(), new Draw(new Box(0, 0, 7, 7), false))).isEqualTo(texture());
    }

    @Test
    void everyChannelGetsTheSameCropAndFlip() {
        ResizedCropFlip one = new ResizedCropFlip(1, 4);
        ResizedCropFlip three = new ResizedCropFlip(3, 4);
        byte[] g = bytes(0, 0, 9, 9, 0, 2, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9);
        byte[] rgb = new byte[48];
        System.arraycopy(IMAGE, 0, rgb, 0, 16);
        System.arraycopy(g, 0, rgb, 16, 16);
        System.arraycopy(IMAGE, 0, rgb, 32, 16);
        Draw d = new Draw(new Box(1, 1, 2, 3), true);
        byte[] out = three.apply(rgb, d);
        byte[] expected = new byte[48];
        System.arraycopy(one.apply(IMAGE, d), 0, expected, 0, 16);
        System.arraycopy(one.apply(g, d), 0, expected, 16, 16);
        System.arraycopy(one.apply(IMAGE, d), 0, expected, 32, 16);
        assertThat(out).isEqualTo(expected);
    }

    @Test
    void aCropOutsideTheImageIsRefused() {
        ResizedCropFlip t = new ResizedCropFlip(1, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.apply(IMAGE, new Draw(new Box(2, 0, 3, 2), false)));
        assertThat(e).hasMessageThat().contains("is not inside the 4 x 4 image");
        assertThrows(IllegalArgumentException.class, () -> t.apply(new byte[15], new Draw(new Box(0, 0, 1, 1), false)));
    }

    @Test
    void drawsAreTorchvisionsGetParamsThenTheFlipCoin() {
        for (long s = 0; s < 200; s++) {
            Draw d = new ResizedCropFlip(3, 224).draw(new SplittableRandom(s));
            // The same generator read as get_params reads it: per attempt an area share, then a log ratio; on the
            // first fit the top row, then the left column; then RandomHorizontalFlip's coin.
            SplittableRandom r = new SplittableRandom(s);
            Box expected = null;
            for (int attempt = 0; attempt < 10 && expected == null; attempt++) {
                double target = 224 * 224 * (0.08 + 0.92 * r.nextDouble());
                double ratio = Math.exp(Math.log(0.75) + (Math.log(4.0 / 3) - Math.log(0.75)) * r.nextDouble());
                int w = (int) Math.rint(Math.sqrt(target * ratio));
                int h = (int) Math.rint(Math.sqrt(target / ratio));
                if (w <= 224 && h <= 224) {
                    int top = r.nextInt(224 - h + 1);
                    expected = new Box(top, r.nextInt(224 - w + 1), h, w);
                }
            }
            if (expected == null) {
                expected = new Box(0, 0, 224, 224);
            }
            assertThat(d).isEqualTo(new Draw(expected, r.nextDouble() < 0.5));
        }
    }

    @Test
    void drawsStayInsideTheImageWithTheDefaultScaleAndRatio() {
        ResizedCropFlip t = new ResizedCropFlip(3, 224);
        double area = 224.0 * 224;
        double minShare = 1;
        double maxShare = 0;
        double sumShare = 0;
        int flips = 0;
        Set<Integer> tops = new HashSet<>();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            Draw d = t.draw(new SplittableRandom(ProbeAugmentation.seed(1, i % 30, i)));
            Box b = d.box();
            assertWithMessage("%s", b).that(b.top()).isAtLeast(0);
            assertWithMessage("%s", b).that(b.left()).isAtLeast(0);
            assertWithMessage("%s", b).that(b.top() + b.height()).isAtMost(224);
            assertWithMessage("%s", b).that(b.left() + b.width()).isAtMost(224);
            // The ratio within [3/4, 4/3] but for rounding each side to a whole pixel.
            double slack = 2.0 / Math.min(b.height(), b.width());
            assertWithMessage("%s", b).that((double) b.width() / b.height())
                    .isIn(Range.closed(0.75 * (1 - slack), 4.0 / 3 * (1 + slack)));
            double share = b.height() * b.width() / area;
            minShare = Math.min(minShare, share);
            maxShare = Math.max(maxShare, share);
            sumShare += share;
            flips += d.flip() ? 1 : 0;
            tops.add(b.top());
        }
        // Area share in [0.08, 1]; the smallest crops (about 63 x 63) lose at most half a pixel on each side to rounding.
        assertThat(minShare).isIn(Range.closed(0.08 - 2 * 0.5 * 64 / area, 0.085));
        assertThat(maxShare).isAtMost(1.0);
        assertThat(maxShare).isAtLeast(0.98);
        // Uniform in [0.08, 1] would have mean 0.54; large draws that do not fit are drawn again, which lowers it to
        // 0.480 (get_params simulated independently, 400,000 images); the sd of this mean is about 0.002.
        assertThat(sumShare / n).isIn(Range.closed(0.47, 0.49));
        assertThat(flips).isIn(Range.closed(9_600, 10_400));
        assertThat(tops).containsAtLeast(0, 100, 150);
    }

    @Test
    void whenNoDrawFitsTheCentralCropIsClampedToTheRatioRange() {
        // A 10 x 200 image: every target area is >= 0.08 * 2000 = 160, so h >= round(sqrt(160 / (4/3))) = 11 > 10:
        // all 10 attempts fail. The image is wider than 4/3: h = 10, w = round(10 * 4/3) = 13, centred.
        for (long s = 0; s < 50; s++) {
            assertThat(ResizedCropFlip.box(10, 200, new SplittableRandom(s))).isEqualTo(new Box(0, 93, 10, 13));
            // Tall: w = 10, h = round(10 / (3/4)) = 13, top (200 - 13) / 2 = 93.
            assertThat(ResizedCropFlip.box(200, 10, new SplittableRandom(s))).isEqualTo(new Box(93, 0, 13, 10));
        }
        // A square image too small for any draw to round to a fitting crop never happens at 224; on a 1 x 1 image
        // every draw rounds to 1 x 1 or 0 and the fallback is the whole image.
        assertThat(ResizedCropFlip.box(1, 1, new SplittableRandom(3))).isEqualTo(new Box(0, 0, 1, 1));
    }

    @Test
    void sameSeedSameViewOtherEpochOrImageAnotherView() {
        ResizedCropFlip t = new ResizedCropFlip(1, 7);
        byte[] a = new byte[49];
        byte[] b = new byte[49];
        t.apply(texture(), new SplittableRandom(ProbeAugmentation.seed(1, 3, 42)), a);
        t.apply(texture(), new SplittableRandom(ProbeAugmentation.seed(1, 3, 42)), b);
        assertThat(b).isEqualTo(a);
        Set<Draw> draws = new HashSet<>();
        for (long[] k : new long[][] {{1, 3, 42}, {2, 3, 42}, {1, 4, 42}, {1, 3, 43}}) {
            draws.add(t.draw(new SplittableRandom(ProbeAugmentation.seed(k[0], (int) k[1], k[2]))));
        }
        assertThat(draws).hasSize(4);
    }
}
