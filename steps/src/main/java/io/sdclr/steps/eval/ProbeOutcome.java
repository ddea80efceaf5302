package io.sdclr.steps.eval;

import java.util.Arrays;

/**
 * Result of {@link LinearProbe#train}: the test accuracy of the epoch chosen on validation.
 *
 * @param perClassTestAccuracy top-1 test accuracy in percent, indexed by class
 * @param selectedEpoch the chosen epoch, 1-based (the number of epochs trained when it was measured)
 * @param validationAccuracy top-1 validation accuracy of that epoch, in percent (over all validation rows)
 */
record ProbeOutcome(double[] perClassTestAccuracy, int selectedEpoch, double validationAccuracy) {

    public ProbeOutcome {
        perClassTestAccuracy = perClassTestAccuracy.clone();
    }

    @Override
    public double[] perClassTestAccuracy() {
        return perClassTestAccuracy.clone();
    }

    /** Mean of the per-class test accuracies, in percent. */
    public double meanTestAccuracy() {
        return Arrays.stream(perClassTestAccuracy).average().orElse(Double.NaN);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProbeOutcome p
                && p.selectedEpoch == selectedEpoch
                && Double.compare(p.validationAccuracy, validationAccuracy) == 0
                && Arrays.equals(p.perClassTestAccuracy, perClassTestAccuracy);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(perClassTestAccuracy) + selectedEpoch) + Double.hashCode(validationAccuracy);
    }

    @Override
    public String toString() {
        return "ProbeOutcome[perClassTestAccuracy=" + Arrays.toString(perClassTestAccuracy)
                + ", selectedEpoch=" + selectedEpoch + ", validationAccuracy=" + validationAccuracy + "]";
    }
}
