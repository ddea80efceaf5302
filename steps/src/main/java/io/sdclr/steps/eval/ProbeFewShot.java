package io.sdclr.steps.eval;

import io.sdclr.dsl.Artifact;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.LongTailSplit;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * Few-shot linear probe: the linear probe trained on S_b only (1% of the pool, balanced), 100 epochs with decays
 * at 40 and 60, epoch chosen on validation, per-class accuracy on test.
 *
 * <pre>{@code
 * wf.step("fewshot-sdclr-s0", ProbeFewShot.on(features, "sdclr").shots(subset, 0));
 * }</pre>
 */
public final class ProbeFewShot extends EvaluateFeatures<ProbeFewShot.Params> {
    private static final long serialVersionUID = 1L;

    /** Parameters ({@code fewshot.*}). */
    public record Params(String method, int split, int epochs, double lr, double momentum, double weightDecay,
            int batch, List<Integer> decayEpochs, long seed) implements java.io.Serializable {
        public Params {
            decayEpochs = List.copyOf(decayEpochs);
        }

        ProbeConfig config() {
            return new ProbeConfig(epochs, lr, momentum, weightDecay, batch, decayEpochs, 0.1, seed);
        }
    }

    private final Params params;

    private ProbeFewShot(Artifact<Feature> features, Artifact<LongTailSplit> subset, Params params) {
        super("fewshot", features, subset);
        this.params = params;
    }

    public static Builder on(Artifact<Feature> features, String method) {
        return new Builder(features, method);
    }

    /** Second half of {@code ProbeFewShot.on(features, method).shots(subset, split)}. */
    public static final class Builder {
        private final Artifact<Feature> features;
        private final String method;

        private Builder(Artifact<Feature> features, String method) {
            this.features = features;
            this.method = method;
        }

        public ProbeFewShot shots(Artifact<LongTailSplit> subset, int split) {
            ProbeConfig d = ProbeConfig.fewShot(1);
            return new ProbeFewShot(features, subset, new Params(method, split, d.epochs(), d.lr(), d.momentum(),
                    d.weightDecay(), d.batch(), d.decayEpochs(), d.seed()));
        }
    }

    public ProbeFewShot lr(double lr) {
        Params p = params;
        return new ProbeFewShot(features(), subset(), new Params(p.method(), p.split(), p.epochs(), lr, p.momentum(),
                p.weightDecay(), p.batch(), p.decayEpochs(), p.seed()));
    }

    /** Epochs, with the decays at the protocol's fractions (40% and 60%). */
    public ProbeFewShot epochs(int epochs) {
        Params p = params;
        return new ProbeFewShot(features(), subset(), new Params(p.method(), p.split(), epochs, p.lr(), p.momentum(),
                p.weightDecay(), p.batch(), List.of(epochs * 2 / 5, epochs * 3 / 5), p.seed()));
    }

    public ProbeFewShot seed(long seed) {
        Params p = params;
        return new ProbeFewShot(features(), subset(), new Params(p.method(), p.split(), p.epochs(), p.lr(),
                p.momentum(), p.weightDecay(), p.batch(), p.decayEpochs(), seed));
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    String method() {
        return params.method();
    }

    @Override
    int split() {
        return params.split();
    }

    @Override
    SerializableFunction<FeatureSets, Outcome> evaluation() {
        ProbeConfig cfg = params.config();
        return sets -> {
            ProbeOutcome o = LinearProbe.train(sets.fewShot(), sets.val(), sets.test(), sets.numClasses(), cfg);
            return new Outcome(o.perClassTestAccuracy(), o.selectedEpoch(), o.validationAccuracy(),
                    Map.of("trainImages", Integer.toString(sets.fewShot().y().length)));
        };
    }
}
