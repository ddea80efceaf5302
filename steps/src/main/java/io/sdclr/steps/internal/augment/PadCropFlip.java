package io.sdclr.steps.internal.augment;

import java.util.SplittableRandom;

/**
 * The training transform of the official linear and few-shot evaluation, in plain Java over uint8 CHW images
 * (SDCLR, train_cifar.py {@code transform_train}): {@code RandomCrop(size, padding=4)} (zero padding, the crop as
 * large as the image) then {@code RandomHorizontalFlip()}. Its test transform is {@code ToTensor()} alone, which is
 * what the cached features are.
 *
 * <pre>{@code
 * PadCropFlip t = new PadCropFlip(1, 28, PadCropFlip.PADDING);
 * byte[] view = t.apply(pixels, t.draw(new SplittableRandom(ProbeAugmentation.seed(probeSeed, epoch, id))));
 * }</pre>
 *
 * <p>Both steps move whole pixels, so working on the uint8 image is exact: the result is the image torchvision
 * gives before {@code ToTensor}. Stateless apart from its geometry: safe to share between threads.
 */
public final class PadCropFlip implements ProbeAugmentation {
    /** {@code transforms.RandomCrop(32, padding=4)} in train_cifar.py; the same 4 pixels at every image size. */
    public static final int PADDING = 4;

    /**
     * The random choices for one image, as torchvision draws them: {@code top} and {@code left} are the crop's
     * corner in the padded image, each in {@code [0, 2 * padding]}; {@code flip} mirrors the crop left to right.
     */
    public record Draw(int top, int left, boolean flip) {}

    private final int channels;
    private final int size;
    private final int padding;

    public PadCropFlip(int channels, int size, int padding) {
        if (channels < 1 || size < 1 || padding < 0) {
            throw new IllegalArgumentException(String.format(
                    "channels %d, size %d, padding %d: expected channels >= 1, size >= 1, padding >= 0",
                    channels, size, padding));
        }
        this.channels = channels;
        this.size = size;
        this.padding = padding;
    }

    /** torchvision order: RandomCrop.get_params draws the top row, then the left column; then the flip coin. */
    public Draw draw(SplittableRandom rng) {
        int top = rng.nextInt(2 * padding + 1);
        int left = rng.nextInt(2 * padding + 1);
        boolean flip = rng.nextDouble() < 0.5;
        return new Draw(top, left, flip);
    }

    @Override
    public void apply(byte[] image, SplittableRandom rng, byte[] out) {
        apply(image, draw(rng), out);
    }

    @Override
    public String description() {
        return "RandomCrop(" + size + ", padding=" + padding + ") + RandomHorizontalFlip";
    }

    /** The transformed image, a new array. */
    byte[] apply(byte[] image, Draw d) {
        byte[] out = new byte[channels * size * size];
        apply(image, d, out);
        return out;
    }

    /**
     * Writes the transformed {@code image} into {@code out}: output pixel (y, x) is padded pixel
     * (y + top, left + (flip ? size - 1 - x : x)), i.e. source pixel (y + top - padding, ... - padding), and 0
     * where that falls in the padding.
     */
    public void apply(byte[] image, Draw d, byte[] out) {
        int plane = size * size;
        ProbeAugmentation.checkSizes(image, out, channels, size);
        int dy = d.top() - padding;
        int dx = d.left() - padding;
        for (int c = 0; c < channels; c++) {
            int base = c * plane;
            for (int y = 0; y < size; y++) {
                int sy = y + dy;
                int row = base + y * size;
                if (sy < 0 || sy >= size) {
                    java.util.Arrays.fill(out, row, row + size, (byte) 0);
                    continue;
                }
                int srcRow = base + sy * size;
                for (int x = 0; x < size; x++) {
                    int sx = (d.flip() ? size - 1 - x : x) + dx;
                    out[row + x] = sx < 0 || sx >= size ? 0 : image[srcRow + sx];
                }
            }
        }
    }
}
