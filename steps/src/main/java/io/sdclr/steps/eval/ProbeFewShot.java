package io.sdclr.steps.eval;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.OutputContract;
import io.sdclr.dsl.Param;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepInput;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.ProbeResult;
import java.util.List;
import org.apache.beam.sdk.values.PCollection;

/**
 * Few-shot linear probe: the linear probe trained on S_b only (1% of the pool, balanced), 100 epochs with lr ×0.1
 * from 1-based epoch 40 and 60, validated every 5th epoch (the official {@code --test_freq 5}), epoch chosen on
 * validation, per-class accuracy on test. It shares {@code probe.batch} and {@code probe.transform} with the linear
 * probe.
 *
 * <pre>{@code
 * wf.step("fewshot-sdclr-s0", ProbeFewShot.on(features).shots(subset));
 * wf.step("fewshot-sdclr-s0", ProbeFewShot.on(features).shots(subset).augmentFrom(encoder, data).augment(true));
 * }</pre>
 */
public final class ProbeFewShot extends Step<ProbeResult> {
    private static final long serialVersionUID = 1L;

    public static final Param<Double> LR = Param.decimal("fewshot.lr", 30, "few-shot probe learning rate")
            .requiring(v -> v > 0, "be > 0");
    public static final Param<Integer> EPOCHS = Param.integer("fewshot.epochs", 100,
            "few-shot probe epochs (lr x0.1 from 40% and 60% of the run)").atLeast(1);
    /** Shared with the linear probe: one key sets both. */
    public static final Param<Integer> BATCH = ProbeLinear.BATCH;
    public static final Param<Integer> VALIDATE_EVERY = Param.integer("fewshot.validateEvery", 5,
            "validate the few-shot probe after every N-th epoch (official: 5 CIFAR, 10 ImageNet)").atLeast(1);
    public static final Param<Boolean> AUGMENT = Param.bool("fewshot.augment", false,
            "the same as probe.augment, for the few-shot probe");
    /** Shared with the linear probe: one key sets both. */
    public static final Param<String> TRANSFORM = ProbeLinear.TRANSFORM;

    private LinearEvaluation evaluation;

    private ProbeFewShot(LinearEvaluation evaluation) {
        super(ProbeResult.class, LR, EPOCHS, BATCH, VALIDATE_EVERY, AUGMENT, TRANSFORM, Param.SEED);
        this.evaluation = evaluation;
    }

    public static Builder on(Artifact<Feature> features) {
        return new Builder(features);
    }

    /** Second half of {@code ProbeFewShot.on(features).shots(subset)}. */
    public static final class Builder {
        private final Artifact<Feature> features;

        private Builder(Artifact<Feature> features) {
            this.features = features;
        }

        /** Trains on S_b of the split of {@code subset} the features' encoder was pretrained on. */
        public ProbeFewShot shots(Artifact<LongTailSplit> subset) {
            return new ProbeFewShot(new LinearEvaluation("fewshot", TrainingSet.FEW_SHOT, features, subset, null,
                    null));
        }
    }

    public ProbeFewShot lr(double lr) {
        return withParam(LR, lr);
    }

    public ProbeFewShot epochs(int epochs) {
        return withParam(EPOCHS, epochs);
    }

    /** Mini-batch size: {@code probe.batch}, shared with the linear probe. */
    public ProbeFewShot batch(int batch) {
        return withParam(BATCH, batch);
    }

    /** Validate only after every N-th epoch; only those epochs can be selected (the official {@code --test_freq}). */
    public ProbeFewShot validateEvery(int n) {
        return withParam(VALIDATE_EVERY, n);
    }

    public ProbeFewShot seed(long seed) {
        return withParam(Param.SEED, seed);
    }

    /** Train on augmented images through the frozen encoder ({@code fewshot.augment}); needs {@link #augmentFrom}. */
    public ProbeFewShot augment(boolean on) {
        return withParam(AUGMENT, on);
    }

    /**
     * The training transform of the augmented probe: {@code probe.transform}, shared with the linear probe
     * ({@link ProbeLinear#transform}). No effect unless {@link #augment} is on.
     */
    public ProbeFewShot transform(String name) {
        return withParam(TRANSFORM, name);
    }

    /**
     * The encoder the features were extracted with and the images, which augmented training runs through. Does not
     * switch augmentation on: {@link #augment} does, in either order.
     */
    public ProbeFewShot augmentFrom(Artifact<Encoder> encoder, Artifact<Image> images) {
        ProbeFewShot c = copy();
        c.evaluation = evaluation.augmentFrom(encoder, images);
        return c;
    }

    /** The probe's settings: decays at milestones 40 and 60 of 100, i.e. from 0-based epoch 39 and 59. */
    ProbeConfig config() {
        int e = get(EPOCHS);
        return ProbeConfig.fewShot(get(Param.SEED)).withEpochs(e).withLr(get(LR)).withBatch(get(BATCH))
                .withDecayEpochs(LinearEvaluation.decays(e * 2 / 5 - 1, e * 3 / 5 - 1))
                .withValidateEvery(get(VALIDATE_EVERY));
    }

    @Override
    public List<String> problems() {
        return evaluation.problems(get(AUGMENT), AUGMENT.key(), "few-shot probe");
    }

    @Override
    public List<Artifact<?>> inputs() {
        return evaluation.inputs(get(AUGMENT));
    }

    /** One result, with an accuracy for every class. */
    @Override
    public OutputContract<ProbeResult> outputContract() {
        return evaluation.contract();
    }

    /** An augmented probe runs the encoder over the training set every epoch: alone, like feature extraction. */
    @Override
    public boolean exclusive() {
        return get(AUGMENT);
    }

    @Override
    public PCollection<ProbeResult> expand(StepInput in) {
        return evaluation.expand(in, config(), get(AUGMENT), get(TRANSFORM));
    }
}
