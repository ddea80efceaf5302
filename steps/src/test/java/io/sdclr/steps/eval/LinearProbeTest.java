package io.sdclr.steps.eval;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.Workflow;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.internal.metrics.Accuracy;
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
    void trainAndPredictGivesThePredictionsOfTheChosenEpochsWeights() {
        LabeledFeatures train = clusters(40, 4, 8, 1.5, 1);
        LabeledFeatures val = clusters(20, 4, 8, 1.5, 2);
        LabeledFeatures test = clusters(30, 4, 8, 1.5, 3);
        ProbeConfig cfg = ProbeConfig.linear(5).withEpochs(6).withDecayEpochs(List.of(3)).withLr(3);
        ProbeOutcome o = LinearProbe.train(train, val, test, 4, cfg);
        assertThat(o.meanTestAccuracy()).isLessThan(100.0);
        int[][] pred = LinearProbe.trainAndPredict(train, val, 4, cfg, test, val);
        assertThat(pred).hasLength(2);
        assertThat(Accuracy.perClass(test.y(), pred[0], 4, "test")).isEqualTo(o.perClassTestAccuracy());
        assertThat(Accuracy.overall(val.y(), pred[1])).isEqualTo(o.validationAccuracy());
        // Validated only after the last epoch, the last epoch is the one kept.
        ProbeConfig last = cfg.withValidateEvery(cfg.epochs());
        int[][] atLast = LinearProbe.trainAndPredict(train, val, 4, last, val);
        assertThat(Accuracy.overall(val.y(), atLast[0]))
                .isEqualTo(LinearProbe.trainTraced(train, val, test, 4, cfg).validationAccuracy()[5]);
    }

    /**
     * The official train_cifar.py calls MultiStepLR(milestones=[10, 20]).step() at the start of every 1-based epoch,
     * so 1-based epoch 10 (index 9) already trains at lr 3: nine epochs at 30, ten at 3, eleven at 0.3.
     */
    @Test
    void learningRateDecaysWhereTheOfficialSchedulerDoes() {
        ProbeConfig linear = ProbeConfig.linear(0);
        assertThat(linear.lrAt(0)).isEqualTo(30.0);
        assertThat(linear.lrAt(8)).isEqualTo(30.0);
        assertThat(linear.lrAt(9)).isWithin(1e-12).of(3.0);
        assertThat(linear.lrAt(18)).isWithin(1e-12).of(3.0);
        assertThat(linear.lrAt(19)).isWithin(1e-12).of(0.3);
        assertThat(linear.lrAt(29)).isWithin(1e-12).of(0.3);
        ProbeConfig fewShot = ProbeConfig.fewShot(0);
        assertThat(fewShot.epochs()).isEqualTo(100);
        assertThat(fewShot.lrAt(38)).isEqualTo(30.0);
        assertThat(fewShot.lrAt(39)).isWithin(1e-12).of(3.0);
        assertThat(fewShot.lrAt(58)).isWithin(1e-12).of(3.0);
        assertThat(fewShot.lrAt(59)).isWithin(1e-12).of(0.3);
        assertThat(fewShot.lrAt(99)).isWithin(1e-12).of(0.3);
        assertThat(linear.withDecayEpochs(List.of(2)).withDecayFactor(0.5).lrAt(2)).isEqualTo(15.0);
        // The step's epochs(...) puts the decays at the same place for the default lengths.
        Workflow wf = Workflow.named("decays");
        Artifact<Feature> feats = wf.ref("features", Feature.class);
        Artifact<LongTailSplit> subset = wf.ref("subset", LongTailSplit.class);
        ProbeLinear probe = ProbeLinear.on(feats).groupedBy(subset);
        assertThat(probe.config().decayEpochs()).containsExactly(9, 19).inOrder();
        assertThat(probe.config()).isEqualTo(ProbeConfig.linear(1)); // the step's defaults are the paper's (seed 1)
        assertThat(probe.epochs(6).config().decayEpochs()).containsExactly(1, 3).inOrder();
        // A decay that would fall on the first epoch is dropped.
        assertThat(probe.epochs(3).config().decayEpochs()).containsExactly(1);
        ProbeFewShot few = ProbeFewShot.on(feats).shots(subset);
        assertThat(few.config().decayEpochs()).containsExactly(39, 59).inOrder();
        assertThat(few.config()).isEqualTo(ProbeConfig.fewShot(1));
    }

    /** Few-shot validates every 5th epoch (the official --test_freq 5): only those epochs can be selected. */
    @Test
    void onlyValidatedEpochsCanBeSelected() {
        LabeledFeatures train = clusters(20, 4, 6, 2.5, 1);
        LabeledFeatures val = clusters(10, 4, 6, 2.5, 2);
        LabeledFeatures test = clusters(10, 4, 6, 2.5, 3);
        ProbeConfig every5 = ProbeConfig.fewShot(7).withEpochs(12).withDecayEpochs(List.of(8));
        assertThat(every5.validateEvery()).isEqualTo(5);
        ProbeTrace t = LinearProbe.trainTraced(train, val, test, 4, every5);
        double[] v = t.validationAccuracy();
        for (int e = 0; e < v.length; e++) {
            assertThat(Double.isNaN(v[e])).isEqualTo((e + 1) % 5 != 0);
        }
        int selected = t.outcome().selectedEpoch();
        assertThat(selected == 5 || selected == 10).isTrue();
        assertThat(t.outcome().validationAccuracy()).isEqualTo(v[selected - 1]);
        // A run shorter than the interval validates its last epoch.
        ProbeTrace shortRun =
                LinearProbe.trainTraced(train, val, test, 4, every5.withEpochs(3).withDecayEpochs(List.of()));
        assertThat(shortRun.outcome().selectedEpoch()).isEqualTo(3);
        assertThat(LinearProbe.bestEpochIndex(new double[] {Double.NaN, 40, Double.NaN, 40})).isEqualTo(1);
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

    /**
     * Pins one fixed-feature run to the last bit: these values were produced by the probe before it took its
     * training rows from an {@link EpochFeatures} (the loss by a copy of that code that only read the softmax), so
     * any change to the update's arithmetic or order shows here.
     */
    @Test
    void fixedFeaturePathIsPinned() {
        LabeledFeatures train = clusters(60, 6, 10, 1.5, 31);
        LabeledFeatures val = clusters(30, 6, 10, 1.5, 32);
        LabeledFeatures test = clusters(50, 6, 10, 1.5, 33);
        ProbeConfig cfg = ProbeConfig.linear(11).withEpochs(9).withDecayEpochs(List.of(3, 6)).withBatch(32);
        ProbeTrace t = LinearProbe.trainTraced(train, val, test, 6, cfg);
        assertThat(t.outcome()).isEqualTo(
                new ProbeOutcome(new double[] {70.0, 68.0, 78.0, 70.0, 70.0, 72.0}, 6, 73.88888888888889));
        assertThat(t.trainingLoss()).usingExactEquality().containsExactly(19.55025917591236, 30.74508674139242,
                31.866222063384825, 27.356206893788325, 23.02105975340054, 19.986420771360716, 18.561012034722115,
                17.771387966853638, 17.271746093660617).inOrder();
        assertThat(LinearProbe.train(train, val, test, 6, cfg)).isEqualTo(t.outcome());
    }

    @Test
    void rowsGivenAnewEachEpochWithTheSameValuesGiveTheFixedResult() {
        LabeledFeatures train = clusters(60, 6, 10, 1.5, 31);
        LabeledFeatures val = clusters(30, 6, 10, 1.5, 32);
        LabeledFeatures test = clusters(50, 6, 10, 1.5, 33);
        ProbeConfig cfg = ProbeConfig.linear(11).withEpochs(9).withDecayEpochs(List.of(3, 6)).withBatch(32);
        List<Integer> epochs = new java.util.ArrayList<>();
        EpochFeatures copies = e -> {
            epochs.add(e);
            float[][] x = new float[train.size()][];
            for (int i = 0; i < x.length; i++) {
                x[i] = train.x()[i].clone();
            }
            return new LabeledFeatures(x, train.y().clone());
        };
        List<String> lines = new java.util.ArrayList<>();
        ProbeOutcome o = LinearProbe.train(copies, val, test, 6, cfg, lines::add);
        assertThat(o).isEqualTo(LinearProbe.train(train, val, test, 6, cfg));
        assertThat(epochs).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9).inOrder();
        assertThat(lines).hasSize(9);
        assertThat(lines.get(3)).matches("epoch 4/9 loss 27\\.3562 lr 3\\.000 val \\d+\\.\\d\\d% \\d+ img/s ETA \\d+:\\d\\d:\\d\\d");
    }

    @Test
    void rowsThatChangeImagesBetweenEpochsAreRejected() {
        LabeledFeatures train = clusters(10, 2, 3, 1.0, 1);
        LabeledFeatures other = clusters(10, 2, 3, 1.0, 2);
        LabeledFeatures fewer = clusters(9, 2, 3, 1.0, 2);
        LabeledFeatures relabelled = new LabeledFeatures(other.x(), java.util.Arrays.copyOf(train.y(), 20));
        relabelled.y()[0] = 1 - relabelled.y()[0];
        ProbeConfig cfg = ProbeConfig.linear(1).withEpochs(2);
        assertThat(LinearProbe.train(e -> e == 1 ? train : other, train, train, 2, cfg, null)).isNotNull();
        IllegalStateException size = assertThrows(IllegalStateException.class,
                () -> LinearProbe.train(e -> e == 1 ? train : fewer, train, train, 2, cfg, null));
        assertThat(size).hasMessageThat().startsWith("epoch 2 gave 18 training rows of dimension 3, epoch 1 gave 20");
        IllegalStateException labels = assertThrows(IllegalStateException.class,
                () -> LinearProbe.train(e -> e == 1 ? train : relabelled, train, train, 2, cfg, null));
        assertThat(labels).hasMessageThat().contains("with other labels");
    }
}
