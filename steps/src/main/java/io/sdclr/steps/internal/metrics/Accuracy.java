package io.sdclr.steps.internal.metrics;

import io.sdclr.dsl.InvalidInputException;

/** Per-class accuracy bookkeeping shared by the probes and kNN. */
public final class Accuracy {

    private Accuracy() {}

    /** Per-class accuracy in percent; every class must occur in {@code truth}. */
    public static double[] perClass(int[] truth, int[] predicted, int numClasses, String what) {
        int[] total = new int[numClasses];
        int[] correct = new int[numClasses];
        for (int i = 0; i < truth.length; i++) {
            total[truth[i]]++;
            if (predicted[i] == truth[i]) {
                correct[truth[i]]++;
            }
        }
        double[] acc = new double[numClasses];
        for (int c = 0; c < numClasses; c++) {
            if (total[c] == 0) {
                throw new InvalidInputException(
                        "%s has no rows of class %d, so its per-class accuracy is undefined; expected every class"
                                + " 0..%d in the %s",
                        what, c, numClasses - 1, what);
            }
            acc[c] = 100.0 * correct[c] / total[c];
        }
        return acc;
    }

    /** Overall top-1 accuracy in percent. */
    public static double overall(int[] truth, int[] predicted) {
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            if (predicted[i] == truth[i]) {
                correct++;
            }
        }
        return 100.0 * correct / truth.length;
    }
}
