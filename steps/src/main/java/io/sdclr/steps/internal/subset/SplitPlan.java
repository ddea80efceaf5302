package io.sdclr.steps.internal.subset;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One long-tailed split, as made by {@link LongTailPlanner#plan}. All id arrays are sorted ascending; arrays are
 * copied in and out, so a plan is immutable.
 *
 * <pre>{@code
 * SplitPlan p = LongTailPlanner.plan(ids, labels, 10, LongTailSpec.cifar10(1)).get(0);
 * p.classCounts();   // D_i images per class, indexed by class id
 * p.longTailIds();   // D_i, the pretraining set
 * }</pre>
 *
 * @param split the split index k
 * @param classOrder {@code classOrder[i]} = class at tail position i (0 = head, C-1 = tail)
 * @param classCounts images per class in D_i, indexed by class id
 * @param longTailIds D_i, the long-tailed pretraining set
 * @param balancedIds D_b, balanced, the same total size as D_i
 * @param fewShotIds S_b, balanced few-shot set, a subset of D_i ∩ D_b
 * @param valIds the held-out validation set, identical for every split and disjoint from all other sets
 * @param poolIds the full balanced training pool: every training id not in valIds
 */
public record SplitPlan(
        int split,
        int[] classOrder,
        int[] classCounts,
        long[] longTailIds,
        long[] balancedIds,
        long[] fewShotIds,
        long[] valIds,
        long[] poolIds)
        implements Serializable {

    public SplitPlan {
        classOrder = classOrder.clone();
        classCounts = classCounts.clone();
        longTailIds = longTailIds.clone();
        balancedIds = balancedIds.clone();
        fewShotIds = fewShotIds.clone();
        valIds = valIds.clone();
        poolIds = poolIds.clone();
    }

    @Override
    public int[] classOrder() {
        return classOrder.clone();
    }

    @Override
    public int[] classCounts() {
        return classCounts.clone();
    }

    @Override
    public long[] longTailIds() {
        return longTailIds.clone();
    }

    @Override
    public long[] balancedIds() {
        return balancedIds.clone();
    }

    @Override
    public long[] fewShotIds() {
        return fewShotIds.clone();
    }

    @Override
    public long[] valIds() {
        return valIds.clone();
    }

    @Override
    public long[] poolIds() {
        return poolIds.clone();
    }

    /** Number of classes. */
    public int numClasses() {
        return classCounts.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SplitPlan p
                && p.split == split
                && Arrays.equals(p.classOrder, classOrder)
                && Arrays.equals(p.classCounts, classCounts)
                && Arrays.equals(p.longTailIds, longTailIds)
                && Arrays.equals(p.balancedIds, balancedIds)
                && Arrays.equals(p.fewShotIds, fewShotIds)
                && Arrays.equals(p.valIds, valIds)
                && Arrays.equals(p.poolIds, poolIds);
    }

    @Override
    public int hashCode() {
        int h = split;
        h = 31 * h + Arrays.hashCode(classOrder);
        h = 31 * h + Arrays.hashCode(classCounts);
        h = 31 * h + Arrays.hashCode(longTailIds);
        h = 31 * h + Arrays.hashCode(balancedIds);
        h = 31 * h + Arrays.hashCode(fewShotIds);
        h = 31 * h + Arrays.hashCode(valIds);
        return 31 * h + Arrays.hashCode(poolIds);
    }

    @Override
    public String toString() {
        return "SplitPlan[split=" + split
                + ", classOrder=" + Arrays.toString(classOrder)
                + ", classCounts=" + Arrays.toString(classCounts)
                + ", |D_i|=" + longTailIds.length
                + ", |D_b|=" + balancedIds.length
                + ", |S_b|=" + fewShotIds.length
                + ", |val|=" + valIds.length
                + ", |pool|=" + poolIds.length + "]";
    }
}
