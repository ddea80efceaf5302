package io.sdclr.steps.eval;

import io.sdclr.dsl.Artifact;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.LongTailSplit;
import java.util.List;

/**
 * Linear probe on frozen features, per the SDCLR protocol: trained on the full balanced pool, epoch chosen on
 * validation, per-class accuracy reported on test (SGD lr 30, momentum 0.9, no weight decay, batch 128, 30 epochs,
 * ×0.1 at 10 and 20).
 *
 * <pre>{@code
 * wf.step("probe-sdclr-s0", ProbeLinear.on(features, "sdclr").groupedBy(subset, 0).lr(30));
 * // As the official code: training images augmented every epoch (random crop with 4-pixel padding + flip) and
 * // embedded by the frozen encoder; off by default, and augment(false) turns it off again (probe.augment).
 * wf.step("probe-sdclr-s0", ProbeLinear.on(features, "sdclr").groupedBy(subset, 0)
 *     .augmented(encoder, data).augment(p.get(probeAugment)));
 * }</pre>
 */
public final class ProbeLinear extends TrainLinearClassifier<ProbeLinear> {
    private static final long serialVersionUID = 1L;

    private ProbeLinear(Artifact<Feature> features, Artifact<LongTailSplit> subset, Params params,
            ImageSource source) {
        super("probe", features, subset, params, source);
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
            return new ProbeLinear(features, subset, Params.of(method, split, ProbeConfig.linear(1)), null);
        }
    }

    @Override
    ProbeLinear with(Params params, ImageSource source) {
        return new ProbeLinear(features(), subset(), params, source);
    }

    /**
     * Decays at 1/3 and 2/3 of the run: the official milestones 10 and 20 of 30, which take effect from 1-based
     * epoch 10 and 20 (0-based 9 and 19) because {@code train_cifar.py} steps the scheduler at each epoch's start.
     */
    @Override
    List<Integer> decaysFor(int epochs) {
        return decays(epochs);
    }

    static List<Integer> decays(int epochs) {
        return List.of(epochs / 3 - 1, 2 * epochs / 3 - 1);
    }

    @Override
    TrainingSet trainingSet() {
        return TrainingSet.POOL;
    }
}
