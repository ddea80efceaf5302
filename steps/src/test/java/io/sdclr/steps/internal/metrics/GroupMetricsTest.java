package io.sdclr.steps.internal.metrics;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GroupMetricsTest {

    @Test
    void thirdsOfTenClassesAreFourThreeThree() {
        // Class counts of a CIFAR-10-LT split, classes in a shuffled order.
        int[] counts = {969, 45, 4500, 125, 2697, 581, 75, 1617, 208, 348};
        double[] acc = {90, 10, 100, 30, 95, 60, 20, 80, 40, 50};
        // Few (45, 75, 125): classes 1, 6, 3 -> (10 + 20 + 30) / 3 = 20.
        // Medium (208, 348, 581): classes 8, 9, 5 -> (40 + 50 + 60) / 3 = 50.
        // Many (969, 1617, 2697, 4500): classes 0, 7, 4, 2 -> (90 + 80 + 95 + 100) / 4 = 91.25.
        GroupScores s = GroupMetrics.thirds(acc, counts);
        assertThat(s.few()).isWithin(1e-12).of(20.0);
        assertThat(s.medium()).isWithin(1e-12).of(50.0);
        assertThat(s.many()).isWithin(1e-12).of(91.25);
        assertThat(s.all()).isWithin(1e-12).of(57.5);
        // Population std of [91.25, 50, 20]: mean 53.75; squares 1406.25 + 14.0625 + 1139.0625 = 2559.375;
        // / 3 = 853.125; sqrt = 29.2083...
        assertThat(s.std()).isWithin(1e-9).of(Math.sqrt(853.125));
    }

    @Test
    void thirdsBreakCountTiesByClassId() {
        Group[] g = GroupMetrics.assignThirds(new int[] {5, 5, 5, 5, 5, 5, 5});
        // 7 classes: Few 2, Medium 2, Many 3; equal counts, so the lowest ids are Few.
        assertThat(g).asList().containsExactly(
                Group.FEW, Group.FEW, Group.MEDIUM, Group.MEDIUM, Group.MANY, Group.MANY, Group.MANY).inOrder();
    }

    @Test
    void thresholdsOfImageNet100Lt() {
        int[] counts = {1280, 101, 100, 20, 19, 5};
        double[] acc = {80, 70, 60, 50, 40, 30};
        GroupScores s = GroupMetrics.thresholds(acc, counts, 100, 20);
        assertThat(s.many()).isWithin(1e-12).of(75.0);
        assertThat(s.medium()).isWithin(1e-12).of(55.0);
        assertThat(s.few()).isWithin(1e-12).of(35.0);
        assertThat(s.all()).isWithin(1e-12).of(55.0);
        assertThat(GroupMetrics.thresholds(acc, new int[] {500, 500, 500, 50, 50, 50}, 100, 20).few()).isNaN();
    }

    @Test
    void summaryIsMeanAndPopulationSdOverSplits() {
        GroupSummary s = GroupSummary.over(List.of(
                new GroupScores(80, 70, 60, 10, 70),
                new GroupScores(84, 72, 66, 8, 74),
                new GroupScores(82, 74, 60, 9, 72)));
        assertThat(s.many().mean()).isWithin(1e-12).of(82.0);
        assertThat(s.many().sd()).isWithin(1e-12).of(Math.sqrt(8.0 / 3));
        assertThat(s.few().mean()).isWithin(1e-12).of(62.0);
        assertThat(s.few().sd()).isWithin(1e-12).of(Math.sqrt(24.0 / 3));
        assertThat(s.std().mean()).isWithin(1e-12).of(9.0);
        assertThat(s.all().sd()).isWithin(1e-12).of(Math.sqrt(8.0 / 3));
        assertThat(MeanSd.of(5.0)).isEqualTo(new MeanSd(5.0, 0.0));
    }
}
