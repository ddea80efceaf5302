package io.sdclr.steps.internal.augment;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The training transform of an augmented linear or few-shot probe: one random view of a uint8 CHW image, of the
 * same geometry, drawn from a generator seeded by (probe seed, epoch, image id). Which one a probe uses is the
 * {@code probe.transform} parameter, read by {@link #named}.
 *
 * <pre>{@code
 * ProbeAugmentation t = ProbeAugmentation.named("resized-crop", 3, 224);
 * t.apply(pixels, new SplittableRandom(ProbeAugmentation.seed(probeSeed, epoch, id)), view);
 * }</pre>
 *
 * <p>Implementations are stateless apart from their geometry: safe to share between threads.
 */
public interface ProbeAugmentation {
    /** {@code RandomCrop(size, padding=4)} + {@code RandomHorizontalFlip()}: SDCLR train_cifar.py. */
    String CROP = "crop";
    /** {@code RandomResizedCrop(size)} + {@code RandomHorizontalFlip()}: SDCLR train_imagenet.py. */
    String RESIZED_CROP = "resized-crop";
    /** Every name {@link #named} accepts. */
    List<String> NAMES = List.of(CROP, RESIZED_CROP);

    /** Writes one random view of {@code image} into {@code out} (both {@code channels x size x size}). */
    void apply(byte[] image, SplittableRandom rng, byte[] out);

    /** The transform as torchvision code would spell it, e.g. {@code RandomCrop(32, padding=4) + ...}. */
    String description();

    /** The transform called {@code name} (one of {@link #NAMES}) for images of {@code channels x size x size}. */
    static ProbeAugmentation named(String name, int channels, int size) {
        return switch (name) {
            case CROP -> new PadCropFlip(channels, size, PadCropFlip.PADDING);
            case RESIZED_CROP -> new ResizedCropFlip(channels, size);
            default -> throw new IllegalArgumentException(
                    "probe transform \"" + name + "\": expected one of " + String.join(", ", NAMES));
        };
    }

    /** Rejects an image or output array that is not {@code channels x size x size} bytes. */
    static void checkSizes(byte[] image, byte[] out, int channels, int size) {
        int n = channels * size * size;
        if (image.length != n || out.length != n) {
            throw new IllegalArgumentException(String.format("image %d and output %d bytes, expected %d = %d x %d x %d",
                    image.length, out.length, n, channels, size, size));
        }
    }

    /**
     * The seed of one image's draw: depends only on (probe seed, epoch, image id), never on thread count, batch
     * order or other images (SplitMix64 mixing, as pretraining seeds its views). The same for every transform.
     */
    static long seed(long probeSeed, int epoch, long id) {
        long h = 0x5DC1_2021_0000_0002L; // differs from pretraining's start value: other draws for the same ids
        for (long p : new long[] {probeSeed, epoch, id}) {
            h = stafford(h ^ stafford(p + 0x9E37_79B9_7F4A_7C15L));
        }
        return h;
    }

    /** SplitMix64 finaliser (Stafford variant 13). */
    private static long stafford(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
