package io.sdclr.steps.eval;

import java.util.Arrays;

/**
 * Where two classifiers of the same images disagree, per class: the PIE count of {@link AnalysePies} (the dense
 * network's classifier against the pruned network's).
 *
 * <pre>{@code
 * Disagreement d = Disagreement.of(labels, densePredictions, prunedPredictions, 10);
 * double tail = d.perClassRate()[9];   // percent of class 9's images on which the two disagree; NaN: none
 * boolean pie = d.pie()[row];
 * }</pre>
 *
 * @param perClassRate percent of the class's images on which the predictions differ, indexed by the true class;
 *     NaN for a class without images
 * @param perClassImages images of each class
 * @param denseAccuracy mean per-class accuracy (percent) of the dense predictions over the classes that have
 *     images; NaN when there are none
 * @param prunedAccuracy the same for the pruned predictions
 * @param pie per image: whether the two predictions differ
 */
record Disagreement(double[] perClassRate, int[] perClassImages, double denseAccuracy, double prunedAccuracy,
        boolean[] pie) {

    /** Compares {@code dense[i]} with {@code pruned[i]} for image {@code i} of true class {@code labels[i]}. */
    static Disagreement of(int[] labels, int[] dense, int[] pruned, int numClasses) {
        if (dense.length != labels.length || pruned.length != labels.length) {
            throw new IllegalArgumentException(String.format(
                    "%d labels but %d dense and %d pruned predictions; expected one each", labels.length,
                    dense.length, pruned.length));
        }
        int[] images = new int[numClasses];
        int[] pies = new int[numClasses];
        int[] denseRight = new int[numClasses];
        int[] prunedRight = new int[numClasses];
        boolean[] pie = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            int c = labels[i];
            if (c < 0 || c >= numClasses) {
                throw new IllegalArgumentException(
                        "image " + i + " has label " + c + ", expected 0.." + (numClasses - 1));
            }
            images[c]++;
            pie[i] = dense[i] != pruned[i];
            pies[c] += pie[i] ? 1 : 0;
            denseRight[c] += dense[i] == c ? 1 : 0;
            prunedRight[c] += pruned[i] == c ? 1 : 0;
        }
        double[] rate = new double[numClasses];
        for (int c = 0; c < numClasses; c++) {
            rate[c] = images[c] == 0 ? Double.NaN : 100.0 * pies[c] / images[c];
        }
        return new Disagreement(rate, images, meanPerClass(denseRight, images), meanPerClass(prunedRight, images),
                pie);
    }

    /** Percent of all images on which the predictions differ (NaN without images). */
    double overallRate() {
        int n = pie.length;
        int pies = 0;
        for (boolean p : pie) {
            pies += p ? 1 : 0;
        }
        return n == 0 ? Double.NaN : 100.0 * pies / n;
    }

    private static double meanPerClass(int[] right, int[] images) {
        double sum = 0;
        int classes = 0;
        for (int c = 0; c < images.length; c++) {
            if (images[c] > 0) {
                sum += 100.0 * right[c] / images[c];
                classes++;
            }
        }
        return classes == 0 ? Double.NaN : sum / classes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Disagreement d && Arrays.equals(d.perClassRate, perClassRate)
                && Arrays.equals(d.perClassImages, perClassImages)
                && Double.compare(d.denseAccuracy, denseAccuracy) == 0
                && Double.compare(d.prunedAccuracy, prunedAccuracy) == 0 && Arrays.equals(d.pie, pie);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(perClassRate) + Arrays.hashCode(pie);
    }

    @Override
    public String toString() {
        return "Disagreement[perClassRate=" + Arrays.toString(perClassRate) + ", perClassImages="
                + Arrays.toString(perClassImages) + ", denseAccuracy=" + denseAccuracy + ", prunedAccuracy="
                + prunedAccuracy + "]";
    }
}
