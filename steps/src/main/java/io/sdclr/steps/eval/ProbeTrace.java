package io.sdclr.steps.eval;

/**
 * A probe run with its per-epoch history, from {@link LinearProbe#trainTraced}; for tests and diagnostics.
 *
 * @param outcome what {@link LinearProbe#train} returns for the same input
 * @param validationAccuracy top-1 validation accuracy (percent) after each epoch, index 0 = epoch 1
 * @param perClassTestAccuracy per-class test accuracy (percent) after each epoch, index 0 = epoch 1
 * @param trainingLoss mean cross-entropy of the training rows during each epoch (as each batch was seen, before
 *     its update), index 0 = epoch 1
 */
record ProbeTrace(ProbeOutcome outcome, double[] validationAccuracy, double[][] perClassTestAccuracy,
        double[] trainingLoss) {

    public ProbeTrace {
        validationAccuracy = validationAccuracy.clone();
        trainingLoss = trainingLoss.clone();
        perClassTestAccuracy = perClassTestAccuracy.clone();
        for (int i = 0; i < perClassTestAccuracy.length; i++) {
            perClassTestAccuracy[i] = perClassTestAccuracy[i].clone();
        }
    }

    @Override
    public double[] validationAccuracy() {
        return validationAccuracy.clone();
    }

    @Override
    public double[] trainingLoss() {
        return trainingLoss.clone();
    }

    /** Per-class test accuracy after epoch {@code epoch} (1-based). */
    public double[] testAccuracyAfter(int epoch) {
        return perClassTestAccuracy[epoch - 1].clone();
    }

    @Override
    public double[][] perClassTestAccuracy() {
        double[][] copy = perClassTestAccuracy.clone();
        for (int i = 0; i < copy.length; i++) {
            copy[i] = copy[i].clone();
        }
        return copy;
    }
}
