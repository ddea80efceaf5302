package io.sdclr.steps.subset;

import io.sdclr.steps.internal.subset.SplitPlan;
import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.dsl.InvalidInputException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LongTailPlannerTest {

    private static final int C = 10;
    private static final int PER_CLASS = 5_000;
    private static final int[] CIFAR10_COUNTS = {4500, 2697, 1617, 969, 581, 348, 208, 125, 75, 45};

    private static long[] ids;
    private static int[] labels;
    private static List<SplitPlan> plans;

    /** A CIFAR-10-sized training set: 5,000 images per class, ids 1000.. in class-interleaved order. */
    @BeforeAll
    static void cifarSizedTrainingSet() {
        ids = new long[C * PER_CLASS];
        labels = new int[C * PER_CLASS];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1000 + i;
            labels[i] = (i * 7) % C;
        }
        plans = LongTailPlanner.plan(ids, labels, C, LongTailSpec.cifar10(42).withSplits(3));
    }

    private static long[] classIds(SplitPlan p, long[] set, int c) {
        return Arrays.stream(set).filter(id -> labels[(int) (id - 1000)] == c).toArray();
    }

    @Test
    void cifar10ProfileMatchesThePaper() {
        LongTailSpec spec = LongTailSpec.cifar10(0);
        int[] counts = IntStream.range(0, C).map(i -> spec.countAt(i, C)).toArray();
        assertThat(counts).isEqualTo(CIFAR10_COUNTS);
        assertThat(Arrays.stream(counts).sum()).isEqualTo(11_165);
        int total100 = IntStream.range(0, 100).map(i -> LongTailSpec.cifar100(0).countAt(i, 100)).sum();
        assertThat(total100).isEqualTo(9_754);
    }

    @Test
    void cifar10SizesOfEverySet() {
        for (SplitPlan p : plans) {
            assertThat(p.valIds()).hasLength(5_000);
            assertThat(p.poolIds()).hasLength(45_000);
            assertThat(p.longTailIds()).hasLength(11_165);
            assertThat(p.balancedIds()).hasLength(11_165);
            assertThat(p.fewShotIds()).hasLength(450);
            int[] order = p.classOrder();
            int[] counts = p.classCounts();
            for (int i = 0; i < C; i++) {
                int c = order[i];
                assertThat(counts[c]).isEqualTo(CIFAR10_COUNTS[i]);
                assertThat(classIds(p, p.longTailIds(), c)).hasLength(CIFAR10_COUNTS[i]);
                assertThat(classIds(p, p.fewShotIds(), c)).hasLength(45);
                assertThat(classIds(p, p.valIds(), c)).hasLength(500);
                // D_b: 11,165 / 10 = 1116 per class, the remainder 5 to the first 5 classes of the order.
                assertThat(classIds(p, p.balancedIds(), c)).hasLength(i < 5 ? 1117 : 1116);
            }
            assertThat(Arrays.stream(order).sorted().toArray()).isEqualTo(IntStream.range(0, C).toArray());
        }
    }

    @Test
    void subsetsNestAndValidationIsDisjoint() {
        for (SplitPlan p : plans) {
            long[] longTail = p.longTailIds();
            long[] balanced = p.balancedIds();
            long[] val = p.valIds();
            long[] pool = p.poolIds();
            for (long id : p.fewShotIds()) {
                assertThat(Arrays.binarySearch(longTail, id)).isAtLeast(0);
                assertThat(Arrays.binarySearch(balanced, id)).isAtLeast(0);
            }
            for (long id : val) {
                assertThat(Arrays.binarySearch(longTail, id)).isLessThan(0);
                assertThat(Arrays.binarySearch(balanced, id)).isLessThan(0);
                assertThat(Arrays.binarySearch(pool, id)).isLessThan(0);
            }
            for (long id : longTail) {
                assertThat(Arrays.binarySearch(pool, id)).isAtLeast(0);
            }
            for (long[] set : List.of(longTail, balanced, p.fewShotIds(), val, pool)) {
                long[] sorted = set.clone();
                Arrays.sort(sorted);
                assertThat(set).isEqualTo(sorted);
                assertThat(Arrays.stream(set).distinct().count()).isEqualTo(set.length);
            }
            // pool ∪ val = the whole training set.
            assertThat(pool.length + val.length).isEqualTo(ids.length);
        }
    }

    @Test
    void validationIsTheSameForEverySplitAndSplitsDiffer() {
        assertThat(plans.get(1).valIds()).isEqualTo(plans.get(0).valIds());
        assertThat(plans.get(2).poolIds()).isEqualTo(plans.get(0).poolIds());
        assertThat(plans.get(1).classOrder()).isNotEqualTo(plans.get(0).classOrder());
        assertThat(plans.get(2).classOrder()).isNotEqualTo(plans.get(1).classOrder());
        assertThat(plans.get(1).longTailIds()).isNotEqualTo(plans.get(0).longTailIds());
    }

    @Test
    void sameSeedSamePlanOtherSeedOtherPlan() {
        List<SplitPlan> again = LongTailPlanner.plan(ids, labels, C, LongTailSpec.cifar10(42).withSplits(3));
        assertThat(again).isEqualTo(plans);
        List<SplitPlan> other = LongTailPlanner.plan(ids, labels, C, LongTailSpec.cifar10(43).withSplits(1));
        assertThat(other.get(0).valIds()).isNotEqualTo(plans.get(0).valIds());
        assertThat(other.get(0).longTailIds()).isNotEqualTo(plans.get(0).longTailIds());
    }

    @Test
    void inputOrderDoesNotMatter() {
        Integer[] perm = IntStream.range(0, ids.length).boxed().toArray(Integer[]::new);
        java.util.Collections.shuffle(Arrays.asList(perm), new Random(5));
        long[] shuffledIds = new long[ids.length];
        int[] shuffledLabels = new int[ids.length];
        for (int i = 0; i < perm.length; i++) {
            shuffledIds[i] = ids[perm[i]];
            shuffledLabels[i] = labels[perm[i]];
        }
        assertThat(LongTailPlanner.plan(shuffledIds, shuffledLabels, C, LongTailSpec.cifar10(42).withSplits(3)))
                .isEqualTo(plans);
    }

    @Test
    void nMaxLargerThanAClassCanProvideNamesTheClass() {
        long[] smallIds = new long[40];
        int[] smallLabels = new int[40];
        for (int i = 0; i < 40; i++) {
            smallIds[i] = i;
            smallLabels[i] = i < 12 ? 0 : i < 30 ? 1 : 2; // class 2 has 10 images
        }
        LongTailSpec spec = new LongTailSpec(1, 8, 4, 3, 0.1, 1);
        InvalidInputException e = assertThrows(
                InvalidInputException.class, () -> LongTailPlanner.plan(smallIds, smallLabels, 3, spec));
        assertThat(e).hasMessageThat().contains("class 2 has 7 images in the pool (after 3 held out for validation),"
                + " fewer than nMax 8");
    }

    @Test
    void emptyClassIsAnError() {
        long[] someIds = {1, 2, 3, 4};
        int[] someLabels = {0, 0, 2, 2};
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> LongTailPlanner.plan(someIds, someLabels, 3, new LongTailSpec(1, 1, 1, 1, 0.5, 1)));
        assertThat(e).hasMessageThat().isEqualTo("training set: no image of class 1 among its 4 images; expected every"
                + " class 0..2, since D_i needs at least one image of each: check that data.dir holds the whole"
                + " dataset, and raise data.trainLimit if it is set (the first N images may leave a class out)");
    }

    @Test
    void fewShotLargerThanTheTailIsAnError() {
        // 10% of a 9,000 pool = 90 per class, but the tail class keeps only 45.
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> LongTailPlanner.plan(ids, labels, C, LongTailSpec.cifar10(42).withSplits(1)
                        .withFewShotFraction(0.02)));
        assertThat(e).hasMessageThat().contains("would get 90 few-shot images");
        assertThat(e).hasMessageThat().contains("only 45 in D_i and 1116 in D_b");
    }

    @Test
    void badLabelsAndDuplicateIdsAreErrors() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> LongTailPlanner.plan(new long[] {5, 6}, new int[] {0, 3}, 3, LongTailSpec.cifar10(1)));
        assertThat(e).hasMessageThat().contains("record 1 (id 6) has label 3, expected 0..2");
        e = assertThrows(InvalidInputException.class,
                () -> LongTailPlanner.plan(new long[] {5, 5}, new int[] {0, 1}, 2, LongTailSpec.cifar10(1)));
        assertThat(e).hasMessageThat().contains("id 5 occurs more than once");
    }

    @Test
    void specRejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new LongTailSpec(0, 10, 10, 1, 0.01, 1));
        assertThrows(IllegalArgumentException.class, () -> new LongTailSpec(1, 0, 10, 1, 0.01, 1));
        assertThrows(IllegalArgumentException.class, () -> new LongTailSpec(1, 10, 0.5, 1, 0.01, 1));
        assertThrows(IllegalArgumentException.class, () -> new LongTailSpec(1, 10, 10, 0, 0.01, 1));
        assertThrows(IllegalArgumentException.class, () -> new LongTailSpec(1, 10, 10, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new LongTailSpec(1, 10, Double.NaN, 1, 0.01, 1));
    }
}
