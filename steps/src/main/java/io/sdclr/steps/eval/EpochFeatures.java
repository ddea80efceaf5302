package io.sdclr.steps.eval;

/**
 * Where a {@link LinearProbe} takes its training rows from, epoch by epoch: the same cached features every epoch
 * (the fast path), or features of freshly augmented images (the official code's probe).
 *
 * <pre>{@code
 * ProbeOutcome o = LinearProbe.train(EpochFeatures.fixed(pool), val, test, 10, cfg, line -> {});
 * }</pre>
 *
 * <p>Every epoch must return the same images in the same order, so the same number of rows, the same dimension and
 * the same labels; only the feature values may change.
 */
@FunctionalInterface
interface EpochFeatures {

    /** The training rows of epoch {@code epoch} (1-based); called once per epoch, in increasing order. */
    LabeledFeatures epoch(int epoch);

    /** The same rows every epoch. */
    static EpochFeatures fixed(LabeledFeatures rows) {
        return epoch -> rows;
    }
}
