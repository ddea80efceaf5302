package io.sdclr.steps.report;

import io.sdclr.steps.internal.metrics.Group;
import io.sdclr.steps.internal.metrics.GroupMetrics;
import io.sdclr.steps.internal.metrics.GroupScores;
import java.io.Serializable;

/**
 * Which Many / Medium / Few rule a dataset uses (SDCLR protocol, "Evaluation").
 *
 * <pre>{@code
 * Grouping cifar = Grouping.thirds();                 // CIFAR-10/100-LT, Fashion-MNIST-LT
 * Grouping imagenet = Grouping.thresholds(100, 20);   // ImageNet-100-LT: Many > 100, Few < 20
 * GroupScores s = cifar.score(perClassAccuracy, plan.classCounts());
 * }</pre>
 *
 * @param byThirds true for the ⌊C/3⌋ rule of {@link GroupMetrics#thirds}, false for count thresholds
 * @param manyAbove with thresholds: Many = count > manyAbove (ignored for thirds)
 * @param fewBelow with thresholds: Few = count < fewBelow (ignored for thirds)
 */
public record Grouping(boolean byThirds, int manyAbove, int fewBelow) implements Serializable {

    public static Grouping thirds() {
        return new Grouping(true, 0, 0);
    }

    public static Grouping thresholds(int manyAbove, int fewBelow) {
        return new Grouping(false, manyAbove, fewBelow);
    }

    /** The group of each class, given the D_i count of each class. */
    public Group[] assign(int[] classCounts) {
        return byThirds
                ? GroupMetrics.assignThirds(classCounts)
                : GroupMetrics.assignThresholds(classCounts, manyAbove, fewBelow);
    }

    /** Group scores of one split. */
    public GroupScores score(double[] perClassAccuracy, int[] classCounts) {
        return GroupMetrics.score(perClassAccuracy, assign(classCounts));
    }

    /** Human-readable rule, for reports. */
    public String describe() {
        return byThirds
                ? "classes sorted by D_i count: Few = lowest ⌊C/3⌋, Medium = next ⌊C/3⌋, Many = the rest"
                : "Many = more than " + manyAbove + " images in D_i, Few = fewer than " + fewBelow + ", Medium between";
    }
}
