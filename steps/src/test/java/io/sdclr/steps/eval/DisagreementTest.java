package io.sdclr.steps.eval;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link Disagreement}: per-class PIE rates and accuracies of hand-made predictions. */
class DisagreementTest {

    @Test
    void perClassRatesCountsAndAccuraciesOfHandMadePredictions() {
        // Class 0: 4 images, predictions differ on rows 1 and 3 -> 50%. Class 1: 2 images, agree -> 0%.
        // Class 2: 1 image, differs -> 100%. Class 3: no image -> NaN.
        int[] labels = {0, 0, 0, 0, 1, 1, 2};
        int[] dense = {0, 0, 1, 0, 1, 0, 2};
        int[] pruned = {0, 2, 1, 3, 1, 0, 0};
        Disagreement d = Disagreement.of(labels, dense, pruned, 4);

        assertThat(d.perClassImages()).asList().containsExactly(4, 2, 1, 0).inOrder();
        assertThat(d.perClassRate()[0]).isEqualTo(50.0);
        assertThat(d.perClassRate()[1]).isEqualTo(0.0);
        assertThat(d.perClassRate()[2]).isEqualTo(100.0);
        assertThat(d.perClassRate()[3]).isNaN();
        assertThat(d.pie()).asList().containsExactly(false, true, false, true, false, false, true).inOrder();
        // Dense right: class 0 3/4, class 1 1/2, class 2 1/1 -> mean of 75, 50, 100 over the 3 classes with images.
        assertThat(d.denseAccuracy()).isWithin(1e-12).of((75.0 + 50.0 + 100.0) / 3);
        // Pruned right: class 0 1/4, class 1 1/2, class 2 0/1.
        assertThat(d.prunedAccuracy()).isWithin(1e-12).of((25.0 + 50.0 + 0.0) / 3);
        assertThat(d.overallRate()).isWithin(1e-12).of(100.0 * 3 / 7);
    }

    @Test
    void identicalPredictionsHaveNoPiesAndEqualAccuracies() {
        int[] labels = {2, 1, 0, 2, 2};
        int[] preds = {2, 0, 0, 1, 2};
        Disagreement d = Disagreement.of(labels, preds, preds.clone(), 3);
        assertThat(d.perClassRate()).usingExactEquality().containsExactly(0.0, 0.0, 0.0).inOrder();
        assertThat(d.denseAccuracy()).isEqualTo(d.prunedAccuracy());
        assertThat(d.overallRate()).isEqualTo(0.0);
    }

    @Test
    void noImagesGiveNaNEverywhere() {
        Disagreement d = Disagreement.of(new int[0], new int[0], new int[0], 2);
        assertThat(d.perClassRate()[0]).isNaN();
        assertThat(d.perClassRate()[1]).isNaN();
        assertThat(d.denseAccuracy()).isNaN();
        assertThat(d.overallRate()).isNaN();
    }

    @Test
    void mismatchedLengthsAndLabelsOutOfRangeAreRefused() {
        IllegalArgumentException lengths = assertThrows(IllegalArgumentException.class,
                () -> Disagreement.of(new int[] {0, 1}, new int[] {0}, new int[] {0, 1}, 2));
        assertThat(lengths).hasMessageThat().isEqualTo("2 labels but 1 dense and 2 pruned predictions; expected one each");
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> Disagreement.of(new int[] {0, 5}, new int[] {0, 1}, new int[] {0, 1}, 2));
        assertThat(label).hasMessageThat().isEqualTo("image 1 has label 5, expected 0..1");
    }
}
