package io.sdclr.steps.internal.train;

/**
 * What a pretraining run reports: the mean NT-Xent loss of each epoch (including epochs restored from a
 * checkpoint), for SDCLR the mask's kept fraction and threshold at the start of each epoch (empty arrays for
 * SimCLR), how many images this process trained on and where its time went (making the views versus
 * forward, backward and update), the same after the first {@link PretrainLoop#WARMUP_ITERS} iterations
 * (steady state; 0 seconds when there were not more), and the digest of the params file.
 */
public record PretrainOutcome(int epochs, float[] lossPerEpoch, double[] maskKeptPerEpoch,
        float[] maskThresholdPerEpoch, long imagesTrained, double augmentSeconds,
        double stepSeconds, long steadyImages, double steadyStepSeconds, String paramsSha256) {
    /** Images per second of training time (augmentation plus step) in this process; 0 if nothing was trained. */
    public double imagesPerSecond() {
        double s = augmentSeconds + stepSeconds;
        return s == 0 ? 0 : imagesTrained / s;
    }

    /** Images per second of forward, backward and update alone. */
    public double stepImagesPerSecond() {
        return stepSeconds == 0 ? 0 : imagesTrained / stepSeconds;
    }

    /** Images per second of forward, backward and update after the warm-up iterations; 0 if none came after. */
    public double steadyStepImagesPerSecond() {
        return steadyStepSeconds <= 0 ? 0 : steadyImages / steadyStepSeconds;
    }

    /** Share of training time spent making the augmented views. */
    public double augmentFraction() {
        double s = augmentSeconds + stepSeconds;
        return s == 0 ? 0 : augmentSeconds / s;
    }
}
