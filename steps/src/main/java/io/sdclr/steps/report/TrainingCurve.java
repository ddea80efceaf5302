package io.sdclr.steps.report;

import java.util.Arrays;

/**
 * The pretraining curves of one encoder (from its {@code Encoder} record): an input of {@link ReportRenderer}.
 *
 * <pre>{@code
 * new TrainingCurve("sdclr", 0, new double[] {6.1, 5.8}, new double[] {0.1, 0.1}, new double[] {0.021, 0.024});
 * }</pre>
 *
 * @param method the report's method key ({@link WriteReport#methodKey})
 * @param split the split index
 * @param loss mean contrastive loss of each epoch, epoch 1 first
 * @param maskKept SDCLR: fraction of conv weights the mask kept at the start of each epoch; empty for SimCLR
 * @param maskThreshold SDCLR: the mask's magnitude threshold at the start of each epoch; empty for SimCLR
 */
record TrainingCurve(String method, int split, double[] loss, double[] maskKept, double[] maskThreshold) {

    public TrainingCurve {
        if (method == null || method.isEmpty()) {
            throw new IllegalArgumentException("method must be non-empty, was " + method);
        }
        loss = loss.clone();
        maskKept = maskKept.clone();
        maskThreshold = maskThreshold.clone();
        for (double k : maskKept) {
            if (!(k >= 0 && k <= 1)) {
                throw new IllegalArgumentException(String.format(
                        "%s split %d: mask kept fraction %s, expected a fraction in [0, 1]", method, split, k));
            }
        }
    }

    @Override
    public double[] loss() {
        return loss.clone();
    }

    @Override
    public double[] maskKept() {
        return maskKept.clone();
    }

    @Override
    public double[] maskThreshold() {
        return maskThreshold.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingCurve c && c.method.equals(method) && c.split == split
                && Arrays.equals(c.loss, loss) && Arrays.equals(c.maskKept, maskKept)
                && Arrays.equals(c.maskThreshold, maskThreshold);
    }

    @Override
    public int hashCode() {
        return ((method.hashCode() * 31 + split) * 31 + Arrays.hashCode(loss)) * 31 + Arrays.hashCode(maskKept);
    }

    @Override
    public String toString() {
        return "TrainingCurve[" + method + " split " + split + ": " + loss.length + " epochs]";
    }
}
