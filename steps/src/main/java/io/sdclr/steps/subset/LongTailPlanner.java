package io.sdclr.steps.subset;

import io.sdclr.steps.internal.subset.SplitPlan;
import io.sdclr.dsl.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Builds the long-tailed splits of the SDCLR protocol from a labelled training set.
 *
 * <pre>{@code
 * List<SplitPlan> plans = LongTailPlanner.plan(ids, labels, 10, LongTailSpec.cifar10(42));
 * }</pre>
 *
 * <p>What is drawn, and from which seed (each a {@link Random} seeded by a SplitMix64 mix of the spec's seed and a
 * purpose tag, so no choice shifts when another one changes):
 *
 * <ol>
 *   <li>Validation: per class c, a permutation of the class's ids (seed, "val", c); its first {@code valPerClass}
 *       ids are held out. The same for every split, disjoint from every subset. The pool is the rest.
 *   <li>Per split k, the class order (seed, "order", k): {@code classOrder[i]} is the class at tail position i,
 *       which keeps {@code n_i = (int)(nMax * (1/r)^(i/(C-1)))} images.
 *   <li>Per split k and class c, a permutation of the class's pool ids (seed, "perm", k, c). D_i, D_b and S_b are
 *       prefixes of it, so they nest (protocol: "prefixes of one per-class random permutation").
 * </ol>
 *
 * <p>D_b has the same total size T as D_i: {@code T / C} per class, and the remainder {@code T % C} goes one image
 * each to the first classes of the split's class order (the head classes), so no class of D_b gets more than a
 * head class has in D_i. S_b has {@code round(fewShotFraction * |pool|) / C} images per class (integer division,
 * so S_b stays exactly balanced; CIFAR-10: 1% of 45,000 = 450, 45 per class), which must not exceed any class's
 * D_i or D_b count — then S_b ⊆ D_i ∩ D_b holds by construction.
 *
 * <p>Every class must have at least {@code nMax} pool images, not only the split's head class: the class order is
 * random, so any class can be the head of some split, and a check that depended on the draw would let one seed
 * pass and another fail.
 *
 * <p>Ids are sorted internally, so the result never depends on the input order.
 */
final class LongTailPlanner {

    private static final long VAL = 0x76616cL; // "val"
    private static final long ORDER = 0x6f72646572L; // "order"
    private static final long PERM = 0x7065726dL; // "perm"

    private LongTailPlanner() {}

    /**
     * Plans {@code spec.splits()} splits.
     *
     * @param ids the training set's record ids, unique, any order
     * @param labels {@code labels[j]} is the class of {@code ids[j]}, in {@code [0, numClasses)}
     */
    public static List<SplitPlan> plan(long[] ids, int[] labels, int numClasses, LongTailSpec spec) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2 for a long tail, was " + numClasses);
        }
        if (ids.length != labels.length) {
            throw new InvalidInputException(
                    "training set: %d ids but %d labels; expected one label per id", ids.length, labels.length);
        }
        long[][] byClass = groupByClass(ids, labels, numClasses);

        // 1. The validation set, drawn once.
        long[][] pool = new long[numClasses][];
        long[] val = new long[numClasses * spec.valPerClass()];
        for (int c = 0; c < numClasses; c++) {
            long[] members = byClass[c];
            if (members.length == 0) {
                throw new InvalidInputException(
                        "training set: no image of class %d among its %d images; expected every class 0..%d, since D_i"
                                + " needs at least one image of each: check that data.dir holds the whole dataset,"
                                + " and raise data.trainLimit if it is set (the first N images may leave a class out)",
                        c, ids.length, numClasses - 1);
            }
            if (members.length <= spec.valPerClass()) {
                throw new InvalidInputException(
                        "training set: class %d has %d images, expected more than valPerClass %d (the validation"
                                + " set holds %d per class, the rest forms the training pool)",
                        c, members.length, spec.valPerClass(), spec.valPerClass());
            }
            long[] perm = shuffled(members, new Random(mix(spec.seed(), VAL, c)));
            System.arraycopy(perm, 0, val, c * spec.valPerClass(), spec.valPerClass());
            pool[c] = Arrays.copyOfRange(perm, spec.valPerClass(), perm.length);
            Arrays.sort(pool[c]);
            if (pool[c].length < spec.nMax()) {
                throw new InvalidInputException(
                        "training set: class %d has %d images in the pool (after %d held out for validation), fewer"
                                + " than nMax %d; every class can be the head class of a split, so each needs at"
                                + " least nMax pool images (lower subset.nMax or subset.valPerClass)",
                        c, pool[c].length, spec.valPerClass(), spec.nMax());
            }
        }
        Arrays.sort(val);
        long[] poolIds = concatSorted(pool);

        // Sizes that do not depend on the class order.
        int[] tailCounts = new int[numClasses];
        int total = 0;
        for (int i = 0; i < numClasses; i++) {
            tailCounts[i] = spec.countAt(i, numClasses);
            total += tailCounts[i];
        }
        long fewShotTotal = Math.round(spec.fewShotFraction() * poolIds.length);
        int shots = (int) (fewShotTotal / numClasses);
        if (shots == 0) {
            throw new InvalidInputException(
                    "few-shot set: fewShotFraction %s of the %d-image pool gives %d images, fewer than one per class"
                            + " (%d classes); expected at least %d",
                    spec.fewShotFraction(), poolIds.length, fewShotTotal, numClasses, numClasses);
        }

        List<SplitPlan> plans = new ArrayList<>(spec.splits());
        for (int k = 0; k < spec.splits(); k++) {
            plans.add(planSplit(k, pool, val, poolIds, tailCounts, total, shots, spec));
        }
        return List.copyOf(plans);
    }

    private static SplitPlan planSplit(
            int k, long[][] pool, long[] val, long[] poolIds, int[] tailCounts, int total, int shots, LongTailSpec spec) {
        int numClasses = pool.length;
        int[] classOrder = classOrder(spec.seed(), k, numClasses);

        int[] classCounts = new int[numClasses];
        int[] balancedCounts = new int[numClasses];
        for (int i = 0; i < numClasses; i++) {
            int c = classOrder[i];
            classCounts[c] = tailCounts[i];
            // Remainder of T / C to the head classes of this split's order.
            balancedCounts[c] = total / numClasses + (i < total % numClasses ? 1 : 0);
        }

        // S_b is a prefix of D_i and D_b, so it must fit the smallest of them; name that class if it does not.
        int tightest = classOrder[0];
        for (int c = 0; c < numClasses; c++) {
            if (Math.min(classCounts[c], balancedCounts[c])
                    < Math.min(classCounts[tightest], balancedCounts[tightest])) {
                tightest = c;
            }
        }
        if (shots > Math.min(classCounts[tightest], balancedCounts[tightest])) {
            throw new InvalidInputException(
                    "split %d: class %d would get %d few-shot images (fewShotFraction %s of the %d-image pool,"
                            + " balanced over %d classes) but has only %d in D_i and %d in D_b; S_b must be a"
                            + " subset of both (raise subset.nMax or lower subset.imbalance or subset.fewShotFraction)",
                    k, tightest, shots, spec.fewShotFraction(), poolIds.length, numClasses, classCounts[tightest],
                    balancedCounts[tightest]);
        }

        long[][] longTail = new long[numClasses][];
        long[][] balanced = new long[numClasses][];
        long[][] fewShot = new long[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            long[] perm = shuffled(pool[c], new Random(mix(mix(spec.seed(), PERM, k), PERM, c)));
            longTail[c] = Arrays.copyOf(perm, classCounts[c]);
            balanced[c] = Arrays.copyOf(perm, balancedCounts[c]);
            fewShot[c] = Arrays.copyOf(perm, shots);
        }
        return new SplitPlan(
                k,
                classOrder,
                classCounts,
                concatSorted(longTail),
                concatSorted(balanced),
                concatSorted(fewShot),
                val,
                poolIds);
    }

    /**
     * The class order of split {@code k}: {@code order[i]} is the class at tail position i. It depends on the seed
     * alone, not on the data, so the workflow's definition can already say which class a count leaves empty.
     */
    static int[] classOrder(long seed, int k, int numClasses) {
        int[] order = new int[numClasses];
        for (int c = 0; c < numClasses; c++) {
            order[c] = c;
        }
        shuffle(order, new Random(mix(seed, ORDER, k)));
        return order;
    }

    /** Ids of each class, sorted ascending; rejects bad labels and duplicate ids. */
    private static long[][] groupByClass(long[] ids, int[] labels, int numClasses) {
        int[] counts = new int[numClasses];
        for (int j = 0; j < labels.length; j++) {
            if (labels[j] < 0 || labels[j] >= numClasses) {
                throw new InvalidInputException(
                        "training set: record %d (id %d) has label %d, expected 0..%d",
                        j, ids[j], labels[j], numClasses - 1);
            }
            counts[labels[j]]++;
        }
        long[][] byClass = new long[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            byClass[c] = new long[counts[c]];
        }
        int[] fill = new int[numClasses];
        for (int j = 0; j < ids.length; j++) {
            byClass[labels[j]][fill[labels[j]]++] = ids[j];
        }
        for (long[] members : byClass) {
            Arrays.sort(members);
        }
        long[] all = ids.clone();
        Arrays.sort(all);
        for (int j = 1; j < all.length; j++) {
            if (all[j] == all[j - 1]) {
                throw new InvalidInputException("training set: id %d occurs more than once, expected unique ids", all[j]);
            }
        }
        return byClass;
    }

    private static long[] shuffled(long[] sorted, Random rnd) {
        long[] a = sorted.clone();
        // Fisher-Yates, as java.util.Collections.shuffle does it; Random's sequence is fixed by its spec.
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            long t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    private static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static long[] concatSorted(long[][] parts) {
        int n = 0;
        for (long[] p : parts) {
            n += p.length;
        }
        long[] out = new long[n];
        int off = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        Arrays.sort(out);
        return out;
    }

    /** SplitMix64 finaliser of (a, tag, b): decorrelated seeds for independent streams. */
    static long mix(long a, long tag, long b) {
        long z = a * 0x9E3779B97F4A7C15L + tag;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        z += b * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
