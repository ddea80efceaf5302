package io.sdclr.steps.report;

import java.util.Arrays;

/**
 * The D_i image count of every class in one split (from {@code SplitPlan.classCounts()}): an input of
 * {@link ReportRenderer}, which groups classes by it.
 *
 * @param split the split index
 * @param classCounts images per class in D_i, indexed by class id
 */
record SplitCounts(int split, int[] classCounts) {

    public SplitCounts {
        classCounts = classCounts.clone();
        for (int c = 0; c < classCounts.length; c++) {
            if (classCounts[c] < 0) {
                throw new IllegalArgumentException(
                        "split " + split + ": class " + c + " has count " + classCounts[c] + ", expected >= 0");
            }
        }
    }

    @Override
    public int[] classCounts() {
        return classCounts.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SplitCounts s && s.split == split && Arrays.equals(s.classCounts, classCounts);
    }

    @Override
    public int hashCode() {
        return 31 * split + Arrays.hashCode(classCounts);
    }

    @Override
    public String toString() {
        return "SplitCounts[split " + split + ": " + Arrays.toString(classCounts) + "]";
    }
}
