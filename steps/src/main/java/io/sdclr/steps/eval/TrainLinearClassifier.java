package io.sdclr.steps.eval;

import io.sdclr.dsl.Artifact;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.LongTailSplit;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * A linear classifier trained on frozen features and selected on validation: the shared body of
 * {@link ProbeLinear} (trained on the balanced pool) and {@link ProbeFewShot} (trained on S_b).
 */
abstract class TrainLinearClassifier<S extends TrainLinearClassifier<S>>
        extends EvaluateFeatures<TrainLinearClassifier.Params> {
    private static final long serialVersionUID = 1L;

    /** Parameters ({@code probe.*} or {@code fewshot.*}). */
    public record Params(String method, int split, int epochs, double lr, double momentum, double weightDecay,
            int batch, List<Integer> decayEpochs, long seed) implements java.io.Serializable, Subject {
        public Params {
            decayEpochs = List.copyOf(decayEpochs);
        }

        static Params of(String method, int split, ProbeConfig d) {
            return new Params(method, split, d.epochs(), d.lr(), d.momentum(), d.weightDecay(), d.batch(),
                    d.decayEpochs(), d.seed());
        }

        ProbeConfig config() {
            return new ProbeConfig(epochs, lr, momentum, weightDecay, batch, decayEpochs, 0.1, seed);
        }
    }

    private final Params params;

    TrainLinearClassifier(String kind, Artifact<Feature> features, Artifact<LongTailSplit> subset, Params params) {
        super(kind, features, subset);
        this.params = params;
    }

    /** The same step with other parameters. */
    abstract S with(Params params);

    /** The learning-rate decay epochs for a run of {@code epochs} epochs. */
    abstract List<Integer> decaysFor(int epochs);

    /** Which images the classifier is trained on. */
    enum TrainingSet {
        POOL,
        FEW_SHOT;

        LabeledFeatures of(FeatureSets sets) {
            return this == POOL ? sets.pool() : sets.fewShot();
        }
    }

    abstract TrainingSet trainingSet();

    public S lr(double lr) {
        Params p = params;
        return with(new Params(p.method(), p.split(), p.epochs(), lr, p.momentum(), p.weightDecay(), p.batch(),
                p.decayEpochs(), p.seed()));
    }

    /** Epochs, with the learning-rate decays at the protocol's fractions of the run. */
    public S epochs(int epochs) {
        Params p = params;
        return with(new Params(p.method(), p.split(), epochs, p.lr(), p.momentum(), p.weightDecay(), p.batch(),
                decaysFor(epochs), p.seed()));
    }

    /** Mini-batch size (128 for CIFAR in the official code, 512 for ImageNet-100). */
    public S batch(int batch) {
        Params p = params;
        return with(new Params(p.method(), p.split(), p.epochs(), p.lr(), p.momentum(), p.weightDecay(), batch,
                p.decayEpochs(), p.seed()));
    }

    public S seed(long seed) {
        Params p = params;
        return with(new Params(p.method(), p.split(), p.epochs(), p.lr(), p.momentum(), p.weightDecay(), p.batch(),
                p.decayEpochs(), seed));
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    SerializableFunction<FeatureSets, Outcome> evaluation() {
        ProbeConfig cfg = params.config();
        TrainingSet train = trainingSet();
        return sets -> {
            LabeledFeatures x = train.of(sets);
            ProbeOutcome o = LinearProbe.train(x, sets.val(), sets.test(), sets.numClasses(), cfg);
            return new Outcome(o.perClassTestAccuracy(), o.selectedEpoch(), o.validationAccuracy(),
                    Map.of("trainImages", Integer.toString(x.y().length)));
        };
    }
}
