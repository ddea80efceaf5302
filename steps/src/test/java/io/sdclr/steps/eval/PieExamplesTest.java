package io.sdclr.steps.eval;

import static com.google.common.truth.Truth.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link PieExamples}: which classes and which images of D_i the PIE record shows. */
class PieExamplesTest {

    @Test
    void tenClassesOrFewerAreAllShownHeadToTail() {
        assertThat(PieExamples.classesShown(List.of(3, 0, 2, 1))).containsExactly(3, 0, 2, 1).inOrder();
    }

    @Test
    void moreThanTenClassesAreSpreadEvenlyFromHeadToTail() {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            order.add(99 - i); // tail position i holds class 99 - i
        }
        // Positions round(i * 99 / 9) = 0, 11, 22, ..., 99.
        assertThat(PieExamples.classesShown(order)).containsExactly(99, 88, 77, 66, 55, 44, 33, 22, 11, 0).inOrder();
        List<Integer> eleven = List.of(10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
        // Positions round(i * 10 / 9) = 0, 1, 2, 3, 4, 6, 7, 8, 9, 10: distinct, head and tail included.
        assertThat(PieExamples.classesShown(eleven)).containsExactly(10, 9, 8, 7, 6, 4, 3, 2, 1, 0).inOrder();
    }

    @Test
    void perClassTheTwoSmallestIdsOfEachKindPiesFirst() {
        long[] ids = {1, 4, 5, 8, 9, 12, 20, 21};
        int[] labels = {0, 1, 0, 0, 0, 1, 0, 1};
        boolean[] pie = {false, true, true, false, true, false, true, false};
        // Class 1 first (the head), then class 0: PIE rows 1 (class 1), no second; non-PIE rows 5, 7.
        // Class 0: PIE rows 2, 4 (6 is the third); non-PIE rows 0, 3.
        assertThat(PieExamples.choose(ids, labels, pie, List.of(1, 0))).containsExactly(1, 5, 7, 2, 4, 0, 3)
                .inOrder();
        // A class without images contributes nothing.
        assertThat(PieExamples.choose(ids, labels, pie, List.of(2))).isEmpty();
    }
}
