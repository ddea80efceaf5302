package io.sdclr.steps.eval;

import io.sdclr.dsl.Artifact;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.LongTailSplit;
import java.util.List;

/**
 * Few-shot linear probe: the linear probe trained on S_b only (1% of the pool, balanced), 100 epochs with decays
 * at 40 and 60, epoch chosen on validation, per-class accuracy on test.
 *
 * <pre>{@code
 * wf.step("fewshot-sdclr-s0", ProbeFewShot.on(features, "sdclr").shots(subset, 0));
 * // Trained on augmented S_b images through the frozen encoder (see ProbeLinear); fewshot.augment
 * wf.step("fewshot-sdclr-s0", ProbeFewShot.on(features, "sdclr").shots(subset, 0).augmented(encoder, data));
 * }</pre>
 */
public final class ProbeFewShot extends TrainLinearClassifier<ProbeFewShot> {
    private static final long serialVersionUID = 1L;

    private ProbeFewShot(Artifact<Feature> features, Artifact<LongTailSplit> subset, Params params,
            ImageSource source) {
        super("fewshot", features, subset, params, source);
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
            return new ProbeFewShot(features, subset, Params.of(method, split, ProbeConfig.fewShot(1)), null);
        }
    }

    @Override
    ProbeFewShot with(Params params, ImageSource source) {
        return new ProbeFewShot(features(), subset(), params, source);
    }

    /** Decays at 40% and 60% of the run: milestones 40 and 60 of 100, i.e. from 0-based epoch 39 and 59. */
    @Override
    List<Integer> decaysFor(int epochs) {
        return decays(epochs);
    }

    static List<Integer> decays(int epochs) {
        return List.of(epochs * 2 / 5 - 1, epochs * 3 / 5 - 1);
    }

    @Override
    TrainingSet trainingSet() {
        return TrainingSet.FEW_SHOT;
    }
}
