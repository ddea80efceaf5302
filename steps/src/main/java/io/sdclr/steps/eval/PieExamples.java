package io.sdclr.steps.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Which images of D_i the PIE analysis shows: per shown class, its first {@link #PER_KIND} PIEs and first
 * {@link #PER_KIND} non-PIEs by id; at most {@link #MAX_CLASSES} classes, spread evenly from head to tail, so the
 * record stays small for CIFAR-100 and ImageNet-100.
 *
 * <pre>{@code
 * List<Integer> classes = PieExamples.classesShown(split.getClassOrder()); // head to tail
 * List<Integer> rows = PieExamples.choose(ids, labels, pie, classes);      // rows of ids, in display order
 * }</pre>
 */
final class PieExamples {
    /** Classes shown at most. */
    static final int MAX_CLASSES = 10;
    /** PIEs, and non-PIEs, shown per class at most. */
    static final int PER_KIND = 2;

    private PieExamples() {}

    /**
     * The classes shown, head to tail: all of {@code classOrder} when it has at most {@link #MAX_CLASSES}, else the
     * classes at tail positions {@code round(i * (C - 1) / 9)}, i = 0..9 (the head class, the tail class and eight
     * evenly between; distinct because C - 1 >= 10 > 9).
     */
    static List<Integer> classesShown(List<Integer> classOrder) {
        int c = classOrder.size();
        if (c <= MAX_CLASSES) {
            return List.copyOf(classOrder);
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < MAX_CLASSES; i++) {
            out.add(classOrder.get((int) Math.round(i * (c - 1) / (double) (MAX_CLASSES - 1))));
        }
        return out;
    }

    /**
     * Rows to show, in display order: for each class of {@code classes} in turn, its PIEs then its non-PIEs, each
     * the {@link #PER_KIND} smallest ids.
     *
     * @param ids image ids, ascending
     * @param labels true class of each row
     * @param pie whether each row is a PIE
     */
    static List<Integer> choose(long[] ids, int[] labels, boolean[] pie, List<Integer> classes) {
        for (int i = 1; i < ids.length; i++) {
            if (ids[i] <= ids[i - 1]) {
                throw new IllegalArgumentException("ids must be ascending, but id " + ids[i] + " follows " + ids[i - 1]);
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int c : classes) {
            for (boolean kind : new boolean[] {true, false}) {
                int taken = 0;
                for (int r = 0; r < ids.length && taken < PER_KIND; r++) {
                    if (labels[r] == c && pie[r] == kind) {
                        out.add(r);
                        taken++;
                    }
                }
            }
        }
        return out;
    }
}
