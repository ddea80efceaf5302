package io.sdclr.steps.subset;

import io.sdclr.steps.internal.subset.SplitRecords;
import io.sdclr.steps.avro.LongTailSplit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** Hand-made {@link LongTailSplit} records for step tests over training images whose label is {@code id % classes}. */
public final class TestSplits {
    private TestSplits() {}

    /**
     * Split {@code split} of dataset "toy" with the given id sets (any order; stored sorted). The class counts are
     * those of D_i and the class order sorts classes by them, largest first (ties by class id), as the subset steps
     * do.
     */
    public static LongTailSplit split(int split, int classes, long[] longTail, long[] balanced, long[] fewShot,
            long[] val, long[] pool) {
        int[] counts = new int[classes];
        for (long id : longTail) {
            counts[(int) (id % classes)]++;
        }
        List<Integer> order = new ArrayList<>(IntStream.range(0, classes).boxed().toList());
        order.sort(Comparator.comparingInt((Integer c) -> -counts[c]).thenComparingInt(c -> c));
        return LongTailSplit.newBuilder()
                .setSplit(split)
                .setDataset("toy")
                .setNumClasses(classes)
                .setClassOrder(order)
                .setClassCounts(SplitRecords.ints(counts))
                .setLongTailIds(SplitRecords.longs(sorted(longTail)))
                .setBalancedIds(SplitRecords.longs(sorted(balanced)))
                .setFewShotIds(SplitRecords.longs(sorted(fewShot)))
                .setValIds(SplitRecords.longs(sorted(val)))
                .setPoolIds(SplitRecords.longs(sorted(pool)))
                .build();
    }

    /** The ids {@code from} (inclusive) to {@code to} (exclusive). */
    public static long[] range(long from, long to) {
        return java.util.stream.LongStream.range(from, to).toArray();
    }

    private static long[] sorted(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s;
    }
}
