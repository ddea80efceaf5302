package io.sdclr.steps.eval;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.StepInput;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.ProbeResult;
import io.sdclr.steps.features.FrozenEncoder;
import io.sdclr.steps.model.EncoderSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;

/**
 * A linear classifier trained on frozen features and selected on validation: the shared body of
 * {@link ProbeLinear} (trained on the balanced pool) and {@link ProbeFewShot} (trained on S_b).
 *
 * <p>By default it trains on the cached, un-augmented features. {@link #augmented} gives it the encoder and the
 * images, and it then trains, as the official code does, on features of the training images augmented afresh
 * every epoch ({@link PadCropFlip}) and run through the frozen encoder; validation and test still use the cached
 * features, which are the official test transform.
 */
abstract class TrainLinearClassifier<S extends TrainLinearClassifier<S>>
        extends EvaluateFeatures<TrainLinearClassifier.Params> {
    private static final long serialVersionUID = 1L;

    /**
     * Parameters ({@code probe.*} or {@code fewshot.*}).
     *
     * @param validateEvery consider only every N-th epoch for the best-validation selection (the official
     *     {@code --test_freq}: 1 for the linear probe, 5 for the few-shot probe on CIFAR)
     * @param augment train on augmented images through the frozen encoder instead of the cached features
     */
    public record Params(String method, int split, int epochs, double lr, double momentum, double weightDecay,
            int batch, List<Integer> decayEpochs, long seed, int validateEvery, boolean augment)
            implements java.io.Serializable, Subject {
        public Params {
            decayEpochs = List.copyOf(decayEpochs);
        }

        static Params of(String method, int split, ProbeConfig d) {
            return new Params(method, split, d.epochs(), d.lr(), d.momentum(), d.weightDecay(), d.batch(),
                    d.decayEpochs(), d.seed(), d.validateEvery(), false);
        }

        ProbeConfig config() {
            return new ProbeConfig(epochs, lr, momentum, weightDecay, batch, decayEpochs, 0.1, seed, validateEvery);
        }

        Params withConfig(ProbeConfig c) {
            return new Params(method, split, c.epochs(), c.lr(), c.momentum(), c.weightDecay(), c.batch(),
                    c.decayEpochs(), c.seed(), c.validateEvery(), augment);
        }

        Params withAugment(boolean on) {
            return new Params(method, split, epochs, lr, momentum, weightDecay, batch, decayEpochs, seed,
                    validateEvery, on);
        }
    }

    /** The encoder and images an augmented probe embeds its training images with. */
    record ImageSource(Artifact<Encoder> encoder, Artifact<Image> images) implements java.io.Serializable {}

    private final Params params;
    private final ImageSource source; // null until augmented(...)

    TrainLinearClassifier(String kind, Artifact<Feature> features, Artifact<LongTailSplit> subset, Params params,
            ImageSource source) {
        super(kind, features, subset);
        if (params.augment() && source == null) {
            throw new IllegalStateException(kind + ".augment=true needs the encoder and the images: call"
                    + " .augmented(encoder, images) on the step");
        }
        this.params = params;
        this.source = source;
    }

    /** The same step with other parameters and image source. */
    abstract S with(Params params, ImageSource source);

    /** The learning-rate decay epochs for a run of {@code epochs} epochs. */
    abstract List<Integer> decaysFor(int epochs);

    /** Which images the classifier is trained on. */
    enum TrainingSet {
        POOL("pool"),
        FEW_SHOT("few-shot set");

        private final String description;

        TrainingSet(String description) {
            this.description = description;
        }

        LabeledFeatures of(FeatureSets sets) {
            return this == POOL ? sets.pool() : sets.fewShot();
        }

        /** The ids of these images in a split, sorted. */
        List<Long> ids(LongTailSplit split) {
            return this == POOL ? split.getPoolIds() : split.getFewShotIds();
        }

        String description() {
            return description;
        }
    }

    abstract TrainingSet trainingSet();

    public S lr(double lr) {
        return with(params.withConfig(params.config().withLr(lr)), source);
    }

    /**
     * Epochs, with the learning-rate decays at the protocol's fractions of the run; a decay that would fall on the
     * first epoch of a very short run is dropped.
     */
    public S epochs(int epochs) {
        List<Integer> decays = decaysFor(epochs).stream().filter(e -> e > 0).distinct().toList();
        return with(params.withConfig(params.config().withEpochs(epochs).withDecayEpochs(decays)), source);
    }

    /** Mini-batch size (128 for CIFAR in the official code, 512 for ImageNet-100). */
    public S batch(int batch) {
        return with(params.withConfig(params.config().withBatch(batch)), source);
    }

    public S seed(long seed) {
        return with(params.withConfig(params.config().withSeed(seed)), source);
    }

    /** Validate only after every N-th epoch; only those epochs can be selected (the official {@code --test_freq}). */
    public S validateEvery(int n) {
        return with(params.withConfig(params.config().withValidateEvery(n)), source);
    }

    /**
     * Trains on the training images augmented every epoch ({@code RandomCrop(size, padding=4)} + horizontal flip,
     * the official linear-evaluation transform) and embedded by {@code encoder}, the encoder the features were
     * extracted with; sets {@code augment=true}. Much slower than the default: every epoch runs the encoder over
     * the whole training set.
     */
    public S augmented(Artifact<Encoder> encoder, Artifact<Image> images) {
        return with(params.withAugment(true), new ImageSource(encoder, images));
    }

    /**
     * Turns augmentation on or off (the {@code augment} parameter, so a workflow can expose it to
     * {@code --set}); turning it on needs {@link #augmented} first. Off, the step is exactly the default probe:
     * same inputs, same result.
     */
    public S augment(boolean on) {
        return with(params.withAugment(on), source);
    }

    @Override
    public Params params() {
        return params;
    }

    /** Features and split; an augmented probe also reads the encoder and the images. */
    @Override
    public List<Artifact<?>> inputs() {
        List<Artifact<?>> in = new ArrayList<>(super.inputs());
        if (params.augment()) {
            in.add(source.encoder());
            in.add(source.images());
        }
        return List.copyOf(in);
    }

    /** The augmented probe also runs the encoder's code. */
    @Override
    public Set<Class<?>> codeClasses() {
        return params.augment() ? Set.of(getClass(), FrozenEncoder.class, EncoderSpec.class) : super.codeClasses();
    }

    /** An augmented probe runs the encoder over the training set every epoch: alone, like feature extraction. */
    @Override
    public boolean exclusive() {
        return params.augment();
    }

    @Override
    public PCollection<ProbeResult> expand(StepInput in) {
        if (!params.augment()) {
            return super.expand(in);
        }
        return EvaluateAugmented.expand(in, kind(), params, trainingSet(), features(), subset(), source.encoder(),
                source.images());
    }

    @Override
    SerializableFunction<FeatureSets, Map<String, Outcome>> evaluations() {
        ProbeConfig cfg = params.config();
        TrainingSet train = trainingSet();
        String name = evaluationName(kind());
        return sets -> {
            LabeledFeatures x = train.of(sets);
            ProbeOutcome o = LinearProbe.train(x, sets.val(), sets.test(), sets.numClasses(), cfg);
            return Map.of(name, new Outcome(o.perClassTestAccuracy(), o.selectedEpoch(), o.validationAccuracy(),
                    Map.of("trainImages", Integer.toString(x.y().length))));
        };
    }
}
