package io.sdclr.steps.internal.metrics;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Many / Medium / Few group accuracies of the SDCLR protocol (exp_analyse.py).
 *
 * <pre>{@code
 * GroupScores s = GroupMetrics.thirds(perClassAccuracy, plan.classCounts());          // CIFAR: 4/3/3, 34/33/33
 * GroupScores t = GroupMetrics.thresholds(perClassAccuracy, plan.classCounts(), 100, 20);   // ImageNet-100-LT
 * }</pre>
 *
 * <p>Groups are defined by each class's image count in the split's long-tailed pretraining set D_i, so they change
 * from split to split with the class order.
 */
public final class GroupMetrics {

    private GroupMetrics() {}

    /**
     * Sort classes by D_i count ascending (ties by class id); Few = the lowest ⌊C/3⌋, Medium = the next ⌊C/3⌋, Many
     * = the rest.
     */
    public static GroupScores thirds(double[] perClassAccuracy, int[] classCounts) {
        return score(perClassAccuracy, assignThirds(classCounts));
    }

    /** ImageNet-100-LT rule: Many = count > {@code manyAbove}, Few = count < {@code fewBelow}, Medium otherwise. */
    public static GroupScores thresholds(double[] perClassAccuracy, int[] classCounts, int manyAbove, int fewBelow) {
        return score(perClassAccuracy, assignThresholds(classCounts, manyAbove, fewBelow));
    }

    /** The group of each class under {@link #thirds}; needs at least 3 classes. */
    public static Group[] assignThirds(int[] classCounts) {
        int c = classCounts.length;
        if (c < 3) {
            throw new IllegalArgumentException("thirds grouping needs at least 3 classes, got " + c);
        }
        Integer[] byCount = new Integer[c];
        for (int i = 0; i < c; i++) {
            byCount[i] = i;
        }
        Arrays.sort(byCount, Comparator.<Integer>comparingInt(i -> classCounts[i]).thenComparingInt(i -> i));
        int third = c / 3;
        Group[] groups = new Group[c];
        for (int r = 0; r < c; r++) {
            groups[byCount[r]] = r < third ? Group.FEW : r < 2 * third ? Group.MEDIUM : Group.MANY;
        }
        return groups;
    }

    /** The group of each class under {@link #thresholds}. */
    public static Group[] assignThresholds(int[] classCounts, int manyAbove, int fewBelow) {
        if (fewBelow > manyAbove + 1) {
            throw new IllegalArgumentException(
                    "fewBelow " + fewBelow + " overlaps manyAbove " + manyAbove + "; expected fewBelow <= manyAbove + 1");
        }
        Group[] groups = new Group[classCounts.length];
        for (int i = 0; i < classCounts.length; i++) {
            groups[i] = classCounts[i] > manyAbove ? Group.MANY : classCounts[i] < fewBelow ? Group.FEW : Group.MEDIUM;
        }
        return groups;
    }

    /** Group accuracies for a given assignment; a group without classes scores NaN. */
    public static GroupScores score(double[] perClassAccuracy, Group[] groups) {
        if (perClassAccuracy.length != groups.length) {
            throw new IllegalArgumentException(
                    perClassAccuracy.length + " per-class accuracies but " + groups.length + " class counts");
        }
        double[] sum = new double[3];
        int[] n = new int[3];
        double all = 0;
        for (int i = 0; i < groups.length; i++) {
            sum[groups[i].ordinal()] += perClassAccuracy[i];
            n[groups[i].ordinal()]++;
            all += perClassAccuracy[i];
        }
        double many = sum[0] / n[0];
        double medium = sum[1] / n[1];
        double few = sum[2] / n[2];
        double std = MeanSd.of(many, medium, few).sd();
        return new GroupScores(many, medium, few, std, all / groups.length);
    }
}
