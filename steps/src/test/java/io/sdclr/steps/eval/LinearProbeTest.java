package io.sdclr.steps.eval;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearProbeTest {

    /** Gaussian clusters around class-specific centres; {@code spread} controls the overlap. */
    static LabeledFeatures clusters(int perClass, int numClasses, int dim, double spread, long seed) {
        Random centres = new Random(99);
        float[][] mu = new float[numClasses][dim];
        for (float[] m : mu) {
            for (int j = 0; j < dim; j++) {
                m[j] = (float) centres.nextGaussian();
            }
        }
        Random rnd = new Random(seed);
        int n = perClass * numClasses;
        float[][] x = new float[n][dim];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % numClasses;
            for (int j = 0; j < dim; j++) {
                x[i][j] = (float) (mu[y[i]][j] + spread * rnd.nextGaussian());
            }
        }
        return new LabeledFeatures(x, y);
    }

    @Test
    void separableDataIsClassifiedPerfectly() {
        LabeledFeatures train = clusters(100, 10, 16, 0.05, 1);
        LabeledFeatures val = clusters(20, 10, 16, 0.05, 2);
        LabeledFeatures test = clusters(50, 10, 16, 0.05, 3);
        ProbeOutcome o = LinearProbe.train(train, val, test, 10, ProbeConfig.linear(7).withEpochs(10));
        assertThat(o.perClassTestAccuracy()).usingExactEquality()
                .containsExactly(100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0);
        assertThat(o.validationAccuracy()).isEqualTo(100.0);
    }

    @Test
    void learningRateDecaysAtTheConfiguredEpochs() {
        ProbeConfig linear = ProbeConfig.linear(0);
        assertThat(linear.lrAt(0)).isEqualTo(30.0);
        assertThat(linear.lrAt(9)).isEqualTo(30.0);
        assertThat(linear.lrAt(10)).isWithin(1e-12).of(3.0);
        assertThat(linear.lrAt(19)).isWithin(1e-12).of(3.0);
        assertThat(linear.lrAt(20)).isWithin(1e-12).of(0.3);
        assertThat(linear.lrAt(29)).isWithin(1e-12).of(0.3);
        ProbeConfig fewShot = ProbeConfig.fewShot(0);
        assertThat(fewShot.epochs()).isEqualTo(100);
        assertThat(fewShot.lrAt(39)).isEqualTo(30.0);
        assertThat(fewShot.lrAt(40)).isWithin(1e-12).of(3.0);
        assertThat(fewShot.lrAt(59)).isWithin(1e-12).of(3.0);
        assertThat(fewShot.lrAt(60)).isWithin(1e-12).of(0.3);
        assertThat(fewShot.lrAt(99)).isWithin(1e-12).of(0.3);
        assertThat(linear.withDecayEpochs(List.of(2)).withDecayFactor(0.5).lrAt(2)).isEqualTo(15.0);
    }

    @Test
    void firstBestValidationEpochWins() {
        assertThat(LinearProbe.bestEpochIndex(new double[] {50, 70, 70, 60})).isEqualTo(1);
        assertThat(LinearProbe.bestEpochIndex(new double[] {80, 70, 80})).isEqualTo(0);
        assertThat(LinearProbe.bestEpochIndex(new double[] {10, 20, 30})).isEqualTo(2);
    }

    @Test
    void reportsTestAccuracyOfTheBestValidationEpochNotTheLast() {
        // Overlapping classes and a large constant learning rate: validation accuracy moves up and down, and
        // with this data it peaks (70.5%) after epoch 1 and again after the last epoch 12.
        LabeledFeatures train = clusters(40, 5, 8, 1.2, 14);
        LabeledFeatures val = clusters(40, 5, 8, 1.2, 53);
        LabeledFeatures test = clusters(40, 5, 8, 1.2, 93);
        ProbeConfig cfg = ProbeConfig.linear(3).withEpochs(12).withDecayEpochs(List.of()).withBatch(16);
        ProbeTrace trace = LinearProbe.trainTraced(train, val, test, 5, cfg);
        double[] history = trace.validationAccuracy();
        int best = LinearProbe.bestEpochIndex(history);
        assertThat(best).isEqualTo(0);
        assertThat(history[cfg.epochs() - 1]).isEqualTo(history[0]); // a tie: the first best must win
        ProbeOutcome o = trace.outcome();
        assertThat(o.selectedEpoch()).isEqualTo(best + 1);
        assertThat(o.validationAccuracy()).isEqualTo(history[best]);
        assertThat(o.perClassTestAccuracy()).isEqualTo(trace.testAccuracyAfter(best + 1));
        assertThat(o.perClassTestAccuracy()).isNotEqualTo(trace.testAccuracyAfter(cfg.epochs()));
        assertThat(LinearProbe.train(train, val, test, 5, cfg)).isEqualTo(o);
    }

    @Test
    void deterministicForAGivenSeed() {
        LabeledFeatures train = clusters(30, 4, 6, 1.0, 21);
        LabeledFeatures val = clusters(20, 4, 6, 1.0, 22);
        LabeledFeatures test = clusters(30, 4, 6, 1.0, 23);
        ProbeConfig cfg = ProbeConfig.fewShot(5).withEpochs(8).withBatch(7);
        ProbeOutcome a = LinearProbe.train(train, val, test, 4, cfg);
        ProbeOutcome b = LinearProbe.train(train, val, test, 4, cfg);
        assertThat(a).isEqualTo(b);
        ProbeTrace other = LinearProbe.trainTraced(train, val, test, 4, cfg.withSeed(6));
        ProbeTrace same = LinearProbe.trainTraced(train, val, test, 4, cfg);
        assertThat(same.outcome()).isEqualTo(a);
        assertThat(other.perClassTestAccuracy()).isNotEqualTo(same.perClassTestAccuracy());
    }

    @Test
    void rejectsLabelsOutsideTheClasses() {
        LabeledFeatures train = new LabeledFeatures(new float[][] {{1f}, {2f}}, new int[] {0, 2});
        LabeledFeatures ok = new LabeledFeatures(new float[][] {{1f}, {2f}}, new int[] {0, 1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinearProbe.train(train, ok, ok, 2, ProbeConfig.linear(0)));
        assertThat(e).hasMessageThat().contains("probe training set row 1 has label 2, expected 0..1");
    }
}
