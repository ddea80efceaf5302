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
import io.sdclr.steps.internal.augment.ProbeAugmentation;
import java.util.List;
import org.apache.beam.sdk.values.PCollection;

/**
 * Linear probe on frozen features, per the SDCLR protocol: trained on the full balanced pool, epoch chosen on
 * validation, per-class accuracy reported on test (SGD lr 30, momentum 0.9, no weight decay, batch 128, 30 epochs,
 * ×0.1 from 1-based epoch 10 and 20). The features say whose they are (method and split).
 *
 * <pre>{@code
 * wf.step("probe-sdclr-s0", ProbeLinear.on(features).groupedBy(subset).lr(30));
 * // As the official code: training images augmented every epoch (random crop with 4-pixel padding + flip)
 * // through the frozen encoder; off unless probe.augment=true. Order of the calls does not matter.
 * wf.step("probe-sdclr-s0", ProbeLinear.on(features).groupedBy(subset).augmentFrom(encoder, data).augment(true));
 * // ImageNet's training transform instead (train_imagenet.py): RandomResizedCrop(size) + flip.
 * wf.step("probe-sdclr-s0", ProbeLinear.on(features).groupedBy(subset).augmentFrom(encoder, data).augment(true)
 *     .transform("resized-crop"));
 * }</pre>
 */
public final class ProbeLinear extends Step<ProbeResult> {
    private static final long serialVersionUID = 1L;

    public static final Param<Double> LR = Param.decimal("probe.lr", 30, "linear probe learning rate")
            .requiring(v -> v > 0, "be > 0");
    public static final Param<Integer> EPOCHS = Param.integer("probe.epochs", 30,
            "linear probe epochs (lr x0.1 from 1/3 and 2/3 of the run)").atLeast(1);
    public static final Param<Integer> BATCH = Param.integer("probe.batch", 128,
            "batch of the linear and few-shot probes (paper: 128 CIFAR, 512 ImageNet)").atLeast(1);
    public static final Param<Integer> VALIDATE_EVERY = Param.integer("probe.validateEvery", 1,
            "validate the linear probe after every N-th epoch; only those epochs can be selected").atLeast(1);
    public static final Param<Boolean> AUGMENT = Param.bool("probe.augment", false,
            "train the linear probe on augmented images through the frozen encoder (the official way, with "
                    + "probe.transform; ~100x slower); default: cached un-augmented features");
    /** Shared with the few-shot probe: one key sets both, as in the official scripts (one transform per dataset). */
    public static final Param<String> TRANSFORM = Param.string("probe.transform", ProbeAugmentation.CROP,
            "training transform of augmented probes (probe.augment, fewshot.augment): crop = RandomCrop(size, "
                    + "padding=4) + flip (CIFAR, train_cifar.py); resized-crop = RandomResizedCrop(size) + flip "
                    + "(ImageNet, train_imagenet.py; crops of the stored centre square)")
            .requiring(v -> ProbeAugmentation.NAMES.contains(v),
                    "be one of " + String.join(", ", ProbeAugmentation.NAMES));

    private LinearEvaluation evaluation;

    private ProbeLinear(LinearEvaluation evaluation) {
        super(ProbeResult.class, LR, EPOCHS, BATCH, VALIDATE_EVERY, AUGMENT, TRANSFORM, Param.SEED);
        this.evaluation = evaluation;
    }

    public static Builder on(Artifact<Feature> features) {
        return new Builder(features);
    }

    /** Second half of {@code ProbeLinear.on(features).groupedBy(subset)}. */
    public static final class Builder {
        private final Artifact<Feature> features;

        private Builder(Artifact<Feature> features) {
            this.features = features;
        }

        /** Evaluates on the split of {@code subset} the features' encoder was pretrained on. */
        public ProbeLinear groupedBy(Artifact<LongTailSplit> subset) {
            return new ProbeLinear(new LinearEvaluation("linear", TrainingSet.POOL, features, subset, null, null));
        }
    }

    public ProbeLinear lr(double lr) {
        return withParam(LR, lr);
    }

    public ProbeLinear epochs(int epochs) {
        return withParam(EPOCHS, epochs);
    }

    /** Mini-batch size (128 for CIFAR in the official code, 512 for ImageNet-100). */
    public ProbeLinear batch(int batch) {
        return withParam(BATCH, batch);
    }

    /** Validate only after every N-th epoch; only those epochs can be selected (the official {@code --test_freq}). */
    public ProbeLinear validateEvery(int n) {
        return withParam(VALIDATE_EVERY, n);
    }

    public ProbeLinear seed(long seed) {
        return withParam(Param.SEED, seed);
    }

    /** Train on augmented images through the frozen encoder ({@code probe.augment}); needs {@link #augmentFrom}. */
    public ProbeLinear augment(boolean on) {
        return withParam(AUGMENT, on);
    }

    /**
     * The training transform of the augmented probe ({@code probe.transform}, shared with the few-shot probe):
     * {@code crop} (default) = {@code RandomCrop(size, padding=4)} + flip, {@code resized-crop} =
     * {@code RandomResizedCrop(size)} + flip. No effect unless {@link #augment} is on.
     */
    public ProbeLinear transform(String name) {
        return withParam(TRANSFORM, name);
    }

    /**
     * The encoder the features were extracted with and the images, which augmented training runs through. Does not
     * switch augmentation on: {@link #augment} does, in either order.
     */
    public ProbeLinear augmentFrom(Artifact<Encoder> encoder, Artifact<Image> images) {
        ProbeLinear c = copy();
        c.evaluation = evaluation.augmentFrom(encoder, images);
        return c;
    }

    /**
     * The probe's settings. The decays take effect from 1-based epoch 10 and 20 of 30 (0-based 9 and 19) because
     * the official {@code train_cifar.py} steps {@code MultiStepLR([10, 20])} at each epoch's start.
     */
    ProbeConfig config() {
        int e = get(EPOCHS);
        return ProbeConfig.linear(get(Param.SEED)).withEpochs(e).withLr(get(LR)).withBatch(get(BATCH))
                .withDecayEpochs(LinearEvaluation.decays(e / 3 - 1, 2 * e / 3 - 1))
                .withValidateEvery(get(VALIDATE_EVERY));
    }

    @Override
    public List<String> problems() {
        return evaluation.problems(get(AUGMENT), AUGMENT.key(), "linear probe");
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
