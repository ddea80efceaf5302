package io.sdclr.steps.eval;

/**
 * Frozen features with their class labels: row {@code i} of {@code x} has label {@code y[i]}.
 *
 * <pre>{@code
 * LabeledFeatures train = new LabeledFeatures(new float[][] {{0.1f, 2f}, {1f, 0f}}, new int[] {1, 0});
 * }</pre>
 *
 * <p>The arrays are not copied (a feature matrix can be hundreds of megabytes); nothing in this package writes to
 * them, and callers must not either once the value is built.
 */
record LabeledFeatures(float[][] x, int[] y) {

    public LabeledFeatures {
        if (x == null || y == null) {
            throw new IllegalArgumentException("x and y must not be null");
        }
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " feature rows but " + y.length + " labels; expected one each");
        }
        int d = x.length == 0 ? 0 : x[0].length;
        for (int i = 0; i < x.length; i++) {
            if (x[i] == null || x[i].length != d) {
                throw new IllegalArgumentException(
                        "feature row " + i + " has " + (x[i] == null ? "no" : x[i].length) + " values, expected " + d
                                + " like row 0");
            }
        }
    }

    /** Number of rows. */
    public int size() {
        return y.length;
    }

    /** Feature dimension (0 when empty). */
    public int dim() {
        return x.length == 0 ? 0 : x[0].length;
    }

    /** Checks every label is in {@code [0, numClasses)}; {@code what} names the set in the message. */
    void checkLabels(String what, int numClasses) {
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || y[i] >= numClasses) {
                throw new IllegalArgumentException(
                        what + " row " + i + " has label " + y[i] + ", expected 0.." + (numClasses - 1));
            }
        }
    }
}
