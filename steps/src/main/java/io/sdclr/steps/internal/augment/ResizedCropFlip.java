package io.sdclr.steps.internal.augment;

import java.util.SplittableRandom;

/**
 * The training transform of the official ImageNet-100 linear and few-shot evaluation, in plain Java over uint8
 * CHW images (SDCLR, train_imagenet.py): {@code RandomResizedCrop(size)} with torchvision's defaults (scale
 * (0.08, 1), ratio (3/4, 4/3), bilinear) then {@code RandomHorizontalFlip()}. Validation and test use the cached
 * features of the stored image.
 *
 * <pre>{@code
 * ResizedCropFlip t = new ResizedCropFlip(3, 224);
 * byte[] view = new byte[3 * 224 * 224];
 * t.apply(pixels, t.draw(new SplittableRandom(ProbeAugmentation.seed(probeSeed, epoch, id))), view);
 * }</pre>
 *
 * <p>The crop is drawn as {@code RandomResizedCrop.get_params} draws it and resized with PIL's {@code BILINEAR}
 * resample exactly as Pillow computes it on 8-bit images (libImaging/Resample.c: {@code precompute_coeffs},
 * 22-bit fixed-point weights, a horizontal pass rounded to uint8, then a vertical pass rounded to uint8): the
 * official code transforms PIL images, so this is the image torchvision gives before {@code ToTensor}, for the
 * same draw. When enlarging (every crop of a {@code size} image resized to {@code size}) PIL's bilinear filter is
 * the {@code align_corners=False} interpolation of {@code F.interpolate}, its sample points clamped to the image;
 * torch's uint8 arithmetic rounds differently, PIL's is the one followed here.
 *
 * <p>What differs from the official run: the source is the stored image, already {@code Resize(size)} +
 * {@code CenterCrop(size)} of the photo ({@code ReadImageFolder}), so training crops are taken from that centre
 * square, not from the full-size photo (and the test view is that square, where the official
 * {@code Resize(256)} + {@code CenterCrop(224)} keeps the central 87.5%); the draws come from
 * {@link SplittableRandom} in double precision, not torch's float32 generator, so they follow the same law, not
 * the same sequence. Stateless apart from its geometry: safe to share between threads.
 */
public final class ResizedCropFlip implements ProbeAugmentation {
    /** torchvision's default {@code scale=(0.08, 1.0)}: the crop's share of the image area. */
    static final double SCALE_MIN = 0.08;
    static final double SCALE_MAX = 1.0;
    /** torchvision's default {@code ratio=(3/4, 4/3)}: the crop's width / height, drawn uniformly in log space. */
    static final double RATIO_MIN = 3.0 / 4.0;
    static final double RATIO_MAX = 4.0 / 3.0;
    /** Draws tried before the central-crop fallback ({@code for _ in range(10)} in get_params). */
    static final int ATTEMPTS = 10;
    /** Pillow's fixed-point precision for 8-bit images ({@code PRECISION_BITS} in Resample.c). */
    private static final int PRECISION_BITS = 32 - 8 - 2;

    /** A crop of the image: top row, left column, height and width in pixels. */
    public record Box(int top, int left, int height, int width) {}

    /** The random choices for one image: the crop, then whether the resized crop is mirrored left to right. */
    public record Draw(Box box, boolean flip) {}

    private final int channels;
    private final int size;

    /** Views of {@code channels x size x size} images, each crop resized back to {@code size x size}. */
    public ResizedCropFlip(int channels, int size) {
        if (channels < 1 || size < 1) {
            throw new IllegalArgumentException(String.format(
                    "channels %d, size %d: expected channels >= 1, size >= 1", channels, size));
        }
        this.channels = channels;
        this.size = size;
    }

    /** torchvision order: RandomResizedCrop.get_params, then RandomHorizontalFlip's coin. */
    public Draw draw(SplittableRandom rng) {
        Box box = box(size, size, rng);
        return new Draw(box, rng.nextDouble() < 0.5);
    }

    /**
     * {@code RandomResizedCrop.get_params} for a {@code height x width} image: up to 10 times, an area share
     * uniform in [0.08, 1] and a log aspect ratio uniform in [log 3/4, log 4/3]; the first crop that fits gets a
     * uniform top, then left. Otherwise the central crop, its aspect ratio clamped to [3/4, 4/3] (the whole image
     * when it is square). Rounding is Python's {@code round}: half to even.
     */
    static Box box(int height, int width, SplittableRandom rng) {
        double area = (double) height * width;
        double logLo = Math.log(RATIO_MIN);
        double logHi = Math.log(RATIO_MAX);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double target = area * (SCALE_MIN + (SCALE_MAX - SCALE_MIN) * rng.nextDouble());
            double ratio = Math.exp(logLo + (logHi - logLo) * rng.nextDouble());
            int w = (int) Math.rint(Math.sqrt(target * ratio));
            int h = (int) Math.rint(Math.sqrt(target / ratio));
            if (0 < w && w <= width && 0 < h && h <= height) {
                int top = rng.nextInt(height - h + 1);
                int left = rng.nextInt(width - w + 1);
                return new Box(top, left, h, w);
            }
        }
        // Fallback to central crop (get_params).
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < RATIO_MIN) {
            w = width;
            h = (int) Math.rint(w / RATIO_MIN);
        } else if (inRatio > RATIO_MAX) {
            h = height;
            w = (int) Math.rint(h * RATIO_MAX);
        } else {
            w = width;
            h = height;
        }
        return new Box((height - h) / 2, (width - w) / 2, h, w);
    }

    @Override
    public void apply(byte[] image, SplittableRandom rng, byte[] out) {
        apply(image, draw(rng), out);
    }

    @Override
    public String description() {
        return "RandomResizedCrop(" + size + ", scale=(0.08, 1), ratio=(3/4, 4/3), bilinear) + RandomHorizontalFlip";
    }

    /** The transformed image, a new array. */
    byte[] apply(byte[] image, Draw d) {
        byte[] out = new byte[channels * size * size];
        apply(image, d, out);
        return out;
    }

    /**
     * Writes the transformed {@code image} into {@code out}: the crop {@code d.box()} of every channel resized to
     * size x size (PIL: {@code img.crop(box).resize((size, size), BILINEAR)}), then each row reversed if
     * {@code d.flip()}.
     */
    public void apply(byte[] image, Draw d, byte[] out) {
        int plane = size * size;
        ProbeAugmentation.checkSizes(image, out, channels, size);
        Box b = d.box();
        if (b.top() < 0 || b.left() < 0 || b.height() < 1 || b.width() < 1 || b.top() + b.height() > size
                || b.left() + b.width() > size) {
            throw new IllegalArgumentException(b + " is not inside the " + size + " x " + size + " image");
        }
        Taps cols = taps(b.width(), size);
        Taps rows = taps(b.height(), size);
        int[] tmp = new int[b.height() * size]; // the horizontal pass: crop rows x output columns, uint8 values
        for (int c = 0; c < channels; c++) {
            int base = c * plane;
            for (int y = 0; y < b.height(); y++) {
                int src = base + (b.top() + y) * size + b.left();
                for (int x = 0; x < size; x++) {
                    int start = cols.start[x];
                    int[] k = cols.weights[x];
                    int acc = 1 << (PRECISION_BITS - 1);
                    for (int t = 0; t < k.length; t++) {
                        acc += (image[src + start + t] & 0xFF) * k[t];
                    }
                    tmp[y * size + x] = clip8(acc);
                }
            }
            for (int y = 0; y < size; y++) {
                int start = rows.start[y];
                int[] k = rows.weights[y];
                int row = base + y * size;
                for (int x = 0; x < size; x++) {
                    int acc = 1 << (PRECISION_BITS - 1);
                    for (int t = 0; t < k.length; t++) {
                        acc += tmp[(start + t) * size + x] * k[t];
                    }
                    out[row + (d.flip() ? size - 1 - x : x)] = (byte) clip8(acc);
                }
            }
        }
    }

    /** Per output pixel along one axis: the first source pixel and the fixed-point weights of those it reads. */
    private record Taps(int[] start, int[][] weights) {}

    /**
     * Pillow's {@code precompute_coeffs} for the bilinear filter (a triangle of support 1, widened by the scale when
     * shrinking) from {@code inSize} to {@code outSize} pixels, then {@code normalize_coeffs_8bpc}.
     */
    static Taps taps(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale;
        int[] start = new int[outSize];
        int[][] weights = new int[outSize][];
        for (int i = 0; i < outSize; i++) {
            double center = (i + 0.5) * scale;
            double ss = 1.0 / filterScale;
            // (int) truncates toward zero, as the C cast does.
            int xmin = Math.max(0, (int) (center - support + 0.5));
            int n = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
            double[] k = new double[Math.max(0, n)];
            double sum = 0;
            for (int x = 0; x < k.length; x++) {
                k[x] = triangle((x + xmin - center + 0.5) * ss);
                sum += k[x];
            }
            int[] fixed = new int[k.length];
            for (int x = 0; x < k.length; x++) {
                double w = sum != 0 ? k[x] / sum : k[x];
                fixed[x] = (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
            }
            start[i] = xmin;
            weights[i] = fixed;
        }
        return new Taps(start, weights);
    }

    private static double triangle(double x) {
        double a = Math.abs(x);
        return a < 1.0 ? 1.0 - a : 0.0;
    }

    /** Pillow's {@code clip8}: the fixed-point sum back to a byte value, saturating. */
    private static int clip8(int acc) {
        if (acc >= (1 << PRECISION_BITS << 8)) {
            return 255;
        }
        if (acc <= 0) {
            return 0;
        }
        return acc >> PRECISION_BITS;
    }
}
