package io.sdclr.steps.eval;

import io.sdclr.dsl.Artifact;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.LongTailSplit;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * Linear probe on frozen features, per the SDCLR protocol: trained on the full balanced pool, epoch chosen on
 * validation, per-class accuracy reported on test (SGD lr 30, momentum 0.9, no weight decay, batch 128, 30 epochs,
 * ×0.1 at 10 and 20).
 *
 * <pre>{@code
 * wf.step("probe-sdclr-s0", ProbeLinear.on(features, "sdclr").groupedBy(subset, 0).lr(30));
 * }</pre>
 */
public final class ProbeLinear extends EvaluateFeatures<ProbeLinear.Params> {
    private static final long serialVersionUID = 1L;

    /** Parameters ({@code probe.*}). */
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

    private ProbeLinear(Artifact<Feature> features, Artifact<LongTailSplit> subset, Params params) {
        super("probe", features, subset);
        this.params = params;
    }

    public static Builder on(Artifact<Feature> features, String method) {
        return new Builder(features, method);
    }

    /** Second half of {@code ProbeLinear.on(features, method).groupedBy(subset, split)}. */
    public static final class Builder {
        private final Artifact<Feature> features;
        private final String method;

        private Builder(Artifact<Feature> features, String method) {
            this.features = features;
            this.method = method;
        }

        public ProbeLinear groupedBy(Artifact<LongTailSplit> subset, int split) {
            ProbeConfig d = ProbeConfig.linear(1);
            return new ProbeLinear(features, subset, new Params(method, split, d.epochs(), d.lr(), d.momentum(),
                    d.weightDecay(), d.batch(), d.decayEpochs(), d.seed()));
        }
    }

    public ProbeLinear lr(double lr) {
        Params p = params;
        return new ProbeLinear(features(), subset(), new Params(p.method(), p.split(), p.epochs(), lr, p.momentum(),
                p.weightDecay(), p.batch(), p.decayEpochs(), p.seed()));
    }

    /** Epochs, with the learning-rate decays at the same fractions as the protocol (1/3 and 2/3). */
    public ProbeLinear epochs(int epochs) {
        Params p = params;
        return new ProbeLinear(features(), subset(), new Params(p.method(), p.split(), epochs, p.lr(), p.momentum(),
                p.weightDecay(), p.batch(), List.of(epochs / 3, 2 * epochs / 3), p.seed()));
    }

    public ProbeLinear seed(long seed) {
        Params p = params;
        return new ProbeLinear(features(), subset(), new Params(p.method(), p.split(), p.epochs(), p.lr(),
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
            ProbeOutcome o = LinearProbe.train(sets.pool(), sets.val(), sets.test(), sets.numClasses(), cfg);
            return new Outcome(o.perClassTestAccuracy(), o.selectedEpoch(), o.validationAccuracy(),
                    Map.of("trainImages", Integer.toString(sets.pool().y().length)));
        };
    }
}
