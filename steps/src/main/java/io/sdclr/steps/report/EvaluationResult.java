package io.sdclr.steps.report;

import java.util.Arrays;

/**
 * Test accuracy of one evaluation of one method on one split: an input of {@link ReportRenderer}.
 *
 * <pre>{@code
 * new EvaluationResult("sdclr", "linear", 0, probeOutcome.perClassTestAccuracy());
 * }</pre>
 *
 * @param method "simclr", "sdclr" or another method name
 * @param evaluation "linear", "fewshot", "knn" or another evaluation name
 * @param split the split index
 * @param perClassAccuracy top-1 test accuracy in percent, indexed by class
 */
record EvaluationResult(String method, String evaluation, int split, double[] perClassAccuracy) {

    public EvaluationResult {
        if (method == null || method.isEmpty() || evaluation == null || evaluation.isEmpty()) {
            throw new IllegalArgumentException("method and evaluation must be non-empty, were " + method + ", "
                    + evaluation);
        }
        perClassAccuracy = perClassAccuracy.clone();
        for (int c = 0; c < perClassAccuracy.length; c++) {
            double a = perClassAccuracy[c];
            if (!(a >= 0 && a <= 100)) {
                throw new IllegalArgumentException(String.format(
                        "%s/%s split %d: class %d accuracy is %s, expected a percentage in [0, 100]",
                        method, evaluation, split, c, a));
            }
        }
    }

    @Override
    public double[] perClassAccuracy() {
        return perClassAccuracy.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EvaluationResult r
                && r.method.equals(method)
                && r.evaluation.equals(evaluation)
                && r.split == split
                && Arrays.equals(r.perClassAccuracy, perClassAccuracy);
    }

    @Override
    public int hashCode() {
        return ((method.hashCode() * 31 + evaluation.hashCode()) * 31 + split) * 31 + Arrays.hashCode(perClassAccuracy);
    }

    @Override
    public String toString() {
        return "EvaluationResult[" + method + "/" + evaluation + " split " + split + ": "
                + Arrays.toString(perClassAccuracy) + "]";
    }
}
