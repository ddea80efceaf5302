package io.sdclr.steps.internal.augment;

import java.util.SplittableRandom;

/**
 * The SimCLR/SDCLR view augmentation in plain Java over one image (SDCLR, train_simCLR.py {@code tfs_train}):
 * RandomResizedCrop(size, scale (0.1, 1.0), ratio 3/4..4/3, bicubic) -> RandomHorizontalFlip ->
 * RandomApply(ColorJitter(0.4, 0.4, 0.4, 0.1), p 0.8) -> RandomGrayscale(p 0.2). For one-channel images only
 * brightness and contrast are jittered and there is no grayscale step (sdclr-protocol.md). Measured ~6 ms
 * per 2 x 256 views of 28x28 (~1% of a width-0.25 training step); per-sample NDArray ops cost far more.
 *
 * <pre>{@code
 * float[] out = new float[channels * size * size];
 * new Augmentation(channels, srcSize, size).view(pixels, new SplittableRandom(seed), out, 0);
 * }</pre>
 *
 * <p>Differences from torchvision on PIL images, all small: values stay float in [0, 1] between the steps
 * instead of being rounded to uint8 after each one; the resize is PIL's separable bicubic (a = -0.5) in float.
 */
public final class Augmentation { // not thread-safe: one per thread (holds scratch space and a tap cache)
    static final double SCALE_MIN = 0.1;
    static final double SCALE_MAX = 1.0;
    static final double BRIGHTNESS = 0.4;
    static final double CONTRAST = 0.4;
    static final double SATURATION = 0.4;
    static final double HUE = 0.1;
    static final double JITTER_P = 0.8;
    static final double GRAY_P = 0.2;

    private final int channels;
    private final int src;
    private final int size;
    /** Resampling taps by crop (start, length): at most src^2 distinct ones, so computed once each. */
    private final java.util.Map<Integer, Taps> taps = new java.util.HashMap<>();
    private final float[] tmp;

    /** Images of {@code channels} x {@code src} x {@code src} uint8 to views of {@code size} x {@code size}. */
    public Augmentation(int channels, int src, int size) {
        this.channels = channels;
        this.src = src;
        this.size = size;
        this.tmp = new float[size * src];
    }

    /** Writes one augmented view of {@code image} (CHW uint8) into {@code out} at {@code offset}, CHW in [0, 1]. */
    public void view(byte[] image, SplittableRandom rng, float[] out, int offset) {
        int[] box = cropBox(rng);
        int plane = size * size;
        crop(image, box, out, offset);
        if (rng.nextDouble() < 0.5) {
            for (int c = 0; c < channels; c++) {
                int base = offset + c * plane;
                for (int y = 0; y < size; y++) {
                    int row = base + y * size;
                    for (int x = 0, r = size - 1; x < r; x++, r--) {
                        float t = out[row + x];
                        out[row + x] = out[row + r];
                        out[row + r] = t;
                    }
                }
            }
        }
        if (rng.nextDouble() < JITTER_P) {
            colorJitter(rng, out, offset);
        }
        if (channels == 3 && rng.nextDouble() < GRAY_P) {
            for (int i = 0; i < plane; i++) {
                float g = gray(out, offset, plane, i);
                out[offset + i] = g;
                out[offset + plane + i] = g;
                out[offset + 2 * plane + i] = g;
            }
        }
    }

    /** Crops {@code box} = {top, left, height, width} of every channel and resizes it to size x size. */
    public void crop(byte[] image, int[] box, float[] out, int offset) {
        for (int c = 0; c < channels; c++) {
            resizeBicubic(image, c * src * src, box, out, offset + c * size * size);
        }
    }

    /** torchvision RandomResizedCrop.get_params: {top, left, height, width}. */
    int[] cropBox(SplittableRandom rng) {
        double area = (double) src * src;
        double logLo = Math.log(3.0 / 4.0);
        double logHi = Math.log(4.0 / 3.0);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (SCALE_MIN + (SCALE_MAX - SCALE_MIN) * rng.nextDouble());
            double ratio = Math.exp(logLo + (logHi - logLo) * rng.nextDouble());
            int w = (int) Math.round(Math.sqrt(target * ratio));
            int h = (int) Math.round(Math.sqrt(target / ratio));
            if (w > 0 && w <= src && h > 0 && h <= src) {
                int top = rng.nextInt(src - h + 1);
                int left = rng.nextInt(src - w + 1);
                return new int[] {top, left, h, w};
            }
        }
        return new int[] {0, 0, src, src}; // square input: the fallback central crop is the whole image
    }

    /**
     * PIL's two-pass resample (Resample.c) with the bicubic filter, from the crop {@code box} of channel plane
     * {@code image[base..]} to a size x size plane; horizontal pass into {@code tmp} (size x cropH).
     */
    private void resizeBicubic(byte[] image, int base, int[] box, float[] out, int outOff) {
        int top = box[0];
        int left = box[1];
        int h = box[2];
        int w = box[3];
        Taps hx = taps.computeIfAbsent(left * 65536 + w, k -> taps(left, w, size));
        for (int y = 0; y < h; y++) {
            int row = base + (top + y) * src;
            for (int x = 0; x < size; x++) {
                double acc = 0;
                int start = hx.start[x];
                for (int k = 0; k < hx.count[x]; k++) {
                    acc += hx.weights[x][k] * (image[row + start + k] & 0xFF);
                }
                tmp[y * size + x] = (float) acc;
            }
        }
        Taps vy = taps.computeIfAbsent(h, k -> taps(0, h, size));
        for (int y = 0; y < size; y++) {
            int start = vy.start[y];
            for (int x = 0; x < size; x++) {
                double acc = 0;
                for (int k = 0; k < vy.count[y]; k++) {
                    acc += vy.weights[y][k] * tmp[(start + k) * size + x];
                }
                out[outOff + y * size + x] = clamp01((float) (acc / 255.0));
            }
        }
    }

    private record Taps(int[] start, int[] count, double[][] weights) {}

    /** PIL precompute_coeffs for input range [in0, in0 + inSize) to outSize samples, bicubic a = -0.5. */
    private static Taps taps(int in0, int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = 2.0 * filterScale;
        int[] start = new int[outSize];
        int[] count = new int[outSize];
        double[][] weights = new double[outSize][];
        for (int i = 0; i < outSize; i++) {
            double center = in0 + (i + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), in0);
            int xmax = Math.min((int) (center + support + 0.5), in0 + inSize);
            double[] k = new double[Math.max(0, xmax - xmin)];
            double sum = 0;
            for (int x = 0; x < k.length; x++) {
                k[x] = bicubic((x + xmin - center + 0.5) / filterScale);
                sum += k[x];
            }
            for (int x = 0; x < k.length; x++) {
                k[x] = sum == 0 ? 0 : k[x] / sum;
            }
            start[i] = xmin;
            count[i] = k.length;
            weights[i] = k;
        }
        return new Taps(start, count, weights);
    }

    private static double bicubic(double x) {
        final double a = -0.5;
        x = Math.abs(x);
        if (x < 1) {
            return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        if (x < 2) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0;
    }

    /** torchvision ColorJitter: the four adjustments in a random order, each factor drawn uniformly. */
    private void colorJitter(SplittableRandom rng, float[] img, int off) {
        int[] order = {0, 1, 2, 3};
        for (int i = 3; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double b = uniform(rng, 1 - BRIGHTNESS, 1 + BRIGHTNESS);
        double c = uniform(rng, 1 - CONTRAST, 1 + CONTRAST);
        double s = uniform(rng, 1 - SATURATION, 1 + SATURATION);
        double h = uniform(rng, -HUE, HUE);
        int plane = size * size;
        int n = channels * plane;
        for (int fn : order) {
            switch (fn) {
                case 0 -> {
                    for (int i = 0; i < n; i++) {
                        img[off + i] = clamp01((float) (img[off + i] * b));
                    }
                }
                case 1 -> {
                    double mean = 0;
                    for (int i = 0; i < plane; i++) {
                        mean += channels == 3 ? gray(img, off, plane, i) : img[off + i];
                    }
                    mean /= plane;
                    for (int i = 0; i < n; i++) {
                        img[off + i] = clamp01((float) (c * img[off + i] + (1 - c) * mean));
                    }
                }
                case 2 -> {
                    if (channels == 3) {
                        for (int i = 0; i < plane; i++) {
                            float g = gray(img, off, plane, i);
                            for (int ch = 0; ch < 3; ch++) {
                                int at = off + ch * plane + i;
                                img[at] = clamp01((float) (s * img[at] + (1 - s) * g));
                            }
                        }
                    }
                }
                default -> {
                    if (channels == 3) {
                        shiftHue(img, off, plane, h);
                    }
                }
            }
        }
    }

    private static void shiftHue(float[] img, int off, int plane, double shift) {
        for (int i = 0; i < plane; i++) {
            float r = img[off + i];
            float g = img[off + plane + i];
            float bl = img[off + 2 * plane + i];
            float max = Math.max(r, Math.max(g, bl));
            float min = Math.min(r, Math.min(g, bl));
            float v = max;
            float d = max - min;
            if (d == 0) {
                continue; // gray pixel: hue undefined, unchanged
            }
            float sat = d / max;
            double hue;
            if (max == r) {
                hue = ((g - bl) / d) / 6.0;
            } else if (max == g) {
                hue = (2 + (bl - r) / d) / 6.0;
            } else {
                hue = (4 + (r - g) / d) / 6.0;
            }
            hue = hue + shift;
            hue -= Math.floor(hue);
            double hh = hue * 6;
            int sector = (int) Math.floor(hh) % 6;
            double f = hh - Math.floor(hh);
            float p = v * (1 - sat);
            float q = (float) (v * (1 - sat * f));
            float t = (float) (v * (1 - sat * (1 - f)));
            float nr;
            float ng;
            float nb;
            switch (sector) {
                case 0 -> { nr = v; ng = t; nb = p; }
                case 1 -> { nr = q; ng = v; nb = p; }
                case 2 -> { nr = p; ng = v; nb = t; }
                case 3 -> { nr = p; ng = q; nb = v; }
                case 4 -> { nr = t; ng = p; nb = v; }
                default -> { nr = v; ng = p; nb = q; }
            }
            img[off + i] = nr;
            img[off + plane + i] = ng;
            img[off + 2 * plane + i] = nb;
        }
    }

    /** ITU-R 601-2 luma, as torchvision's rgb_to_grayscale. */
    private static float gray(float[] img, int off, int plane, int i) {
        return 0.299f * img[off + i] + 0.587f * img[off + plane + i] + 0.114f * img[off + 2 * plane + i];
    }

    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    private static float clamp01(float v) {
        return v < 0 ? 0 : (v > 1 ? 1 : v);
    }
}
