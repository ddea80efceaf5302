package io.sdclr.steps.eval;

import io.sdclr.steps.internal.augment.ProbeAugmentation;
import io.sdclr.steps.internal.model.FrozenEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training rows of an augmented probe: every epoch, each training image goes through the probe's training
 * transform ({@code probe.transform}: {@link ProbeAugmentation}) with a seed of (probe seed, epoch, image id), and
 * the batch through the frozen encoder (dense BN set, eval mode).
 *
 * <pre>{@code
 * ProbeAugmentation t = ProbeAugmentation.named("crop", channels, size);
 * EpochFeatures rows = new AugmentedFeatures(encoder, pixels, ids, labels, t, cfg.seed());
 * ProbeOutcome o = LinearProbe.train(rows, val, test, numClasses, cfg, System.err::println);
 * }</pre>
 *
 * <p>The images are embedded in id order, in the encoder's fixed chunks, so each epoch's features depend only on
 * the images, the seed and the epoch: not on shuffling, bundling or the runner's parallelism. Thread-confined,
 * like the encoder it uses; it does not own the encoder.
 */
final class AugmentedFeatures implements EpochFeatures {
    private final FrozenEncoder encoder;
    private final List<byte[]> images;
    private final long[] ids;
    private final int[] labels;
    private final long seed;
    private final ProbeAugmentation transform;
    private final List<byte[]> views;

    /** Images are uint8 CHW of the geometry {@code transform} was made for, sorted by id; not copied. */
    AugmentedFeatures(FrozenEncoder encoder, List<byte[]> images, long[] ids, int[] labels,
            ProbeAugmentation transform, long seed) {
        if (images.size() != ids.length || ids.length != labels.length) {
            throw new IllegalArgumentException(String.format("%d images, %d ids and %d labels: expected one each",
                    images.size(), ids.length, labels.length));
        }
        this.encoder = encoder;
        this.images = images;
        this.ids = ids;
        this.labels = labels;
        this.seed = seed;
        this.transform = transform;
        this.views = new ArrayList<>(images.size());
        for (byte[] image : images) {
            views.add(new byte[image.length]); // a view has the image's geometry
        }
    }

    @Override
    public LabeledFeatures epoch(int epoch) {
        for (int i = 0; i < ids.length; i++) {
            SplittableRandom rng = new SplittableRandom(ProbeAugmentation.seed(seed, epoch, ids[i]));
            transform.apply(images.get(i), rng, views.get(i));
        }
        return new LabeledFeatures(encoder.embed(views), labels);
    }
}
