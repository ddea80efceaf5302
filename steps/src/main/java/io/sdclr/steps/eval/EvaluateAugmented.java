package io.sdclr.steps.eval;

import io.sdclr.dsl.InputFiles;
import io.sdclr.dsl.StepContext;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.ProbeResult;
import io.sdclr.steps.avro.Source;
import io.sdclr.steps.internal.augment.ProbeAugmentation;
import io.sdclr.steps.internal.data.ImageBatch;
import io.sdclr.steps.internal.model.FrozenEncoder;
import io.sdclr.steps.internal.model.Devices;
import io.sdclr.steps.internal.model.EncoderSpec;
import io.sdclr.steps.internal.model.NativeMemory;
import io.sdclr.steps.internal.subset.SplitRecords;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * The Beam body of an augmented probe: keeps the training images of the split, brings them together with all
 * features of the encoder (one {@code CoGroupByKey} on a constant key), and trains the linear classifier in one
 * {@code DoFn} that loads the frozen encoder once in {@code @Setup}. Validation and test use the cached features;
 * the training rows are {@link AugmentedFeatures}.
 */
final class EvaluateAugmented {

    private EvaluateAugmented() {}

    /**
     * What the probe trains: its result name, training set and settings, and the name of its training transform
     * ({@code probe.transform}, one of {@link ProbeAugmentation#NAMES}).
     */
    record Probe(String evaluation, TrainingSet trainingSet, ProbeConfig config, String transform)
            implements java.io.Serializable {}

    /**
     * @param split the split the encoder was pretrained on (its record says which): only its training images are
     *     read, so the pixels of one split's pool travel to the probe, not the whole dataset
     */
    static PCollection<ProbeResult> expand(Probe probe, PCollection<Feature> feats, PCollection<Image> images,
            List<LongTailSplit> splits, Encoder encoder, InputFiles encoderFiles, StepContext ctx) {
        LongTailSplit s = SplitRecords.find(splits, encoder.getSplit());
        Set<Long> ids = new HashSet<>(probe.trainingSet().ids(s));
        PCollection<Image> train = images
                .apply("training images", Filter.by((Image im) -> im.getSource() == Source.TRAIN
                        && ids.contains(im.getId())));
        return FeaturesWithImages.gather(feats, train)
                .apply("evaluate", ParDo.of(new Train(probe, s, encoder, encoderFiles, ctx)));
    }

    /** The probe over all features and the training images of one split, with the encoder loaded once. */
    static final class Train extends DoFn<KV<Integer, CoGbkResult>, ProbeResult> {
        private static final long serialVersionUID = 1L;
        private final Probe probe;
        private final LongTailSplit split;
        private final Encoder encoder;
        private final InputFiles encoderFiles;
        private final StepContext ctx;
        private transient FrozenEncoder model;

        Train(Probe probe, LongTailSplit split, Encoder encoder, InputFiles encoderFiles, StepContext ctx) {
            this.probe = probe;
            this.split = split;
            this.encoder = encoder;
            this.encoderFiles = encoderFiles;
            this.ctx = ctx;
        }

        @Setup
        public void setup() {
            model = FrozenEncoder.fromArtifact(encoder, encoderFiles, ctx.device());
        }

        @ProcessElement
        public void process(@Element KV<Integer, CoGbkResult> all, OutputReceiver<ProbeResult> out) {
            List<Feature> features = new ArrayList<>();
            all.getValue().getAll(FeaturesWithImages.FEATURES).forEach(features::add);
            EvaluateFeatures.Identity id = EvaluateFeatures.Identity.ofFeaturesOf(encoder, features,
                    "probe's encoder", "augment with the encoder the features came from");
            FeatureSets sets = FeatureSets.of(features, split);
            LabeledFeatures cached = probe.trainingSet().of(sets);
            EncoderSpec spec = model.spec();
            ImageBatch images = ImageBatch.of(all.getValue().getAll(FeaturesWithImages.IMAGES), spec.channels(), spec.imageSize(),
                    "the encoder");
            List<Long> expected = probe.trainingSet().ids(split);
            if (images.count() != expected.size()) {
                throw new IllegalStateException(String.format(
                        "split %d: the %s lists %d images but the data artifact has %d of them",
                        split.getSplit(), probe.trainingSet().description(), expected.size(), images.count()));
            }
            for (int i = 0; i < images.count(); i++) {
                // Images and cached features are both sorted by id: row i of one is row i of the other.
                if (images.labels()[i] != cached.y()[i]) {
                    throw new IllegalStateException(String.format(
                            "image %d has label %d but its cached feature has label %d: the features were not"
                                    + " extracted from these images", images.ids()[i], images.labels()[i],
                            cached.y()[i]));
                }
            }
            ProbeConfig cfg = probe.config();
            ProbeAugmentation transform = ProbeAugmentation.named(probe.transform(), spec.channels(),
                    spec.imageSize());
            ctx.progress(String.format(
                    "%s probe on %d augmented training images (%s, re-drawn every epoch) through the frozen"
                            + " encoder, %d epochs, %s torch threads",
                    probe.evaluation().equals("linear") ? "linear" : "few-shot", images.count(),
                    transform.description(), cfg.epochs(), Devices.torchThreads()));
            AugmentedFeatures rows = new AugmentedFeatures(model, images.pixels(), images.ids(), images.labels(),
                    transform, cfg.seed());
            ProbeOutcome o = LinearProbe.train(rows, sets.val(), sets.test(), sets.numClasses(), cfg, ctx::progress);
            Map<String, String> details = new LinkedHashMap<>();
            details.put("trainImages", Integer.toString(images.count()));
            details.put("augmentation", transform.description());
            out.output(EvaluateFeatures.result(probe.evaluation(), id, split,
                    new EvaluateFeatures.Outcome(o.perClassTestAccuracy(), o.selectedEpoch(),
                            o.validationAccuracy(), details)));
        }

        @Teardown
        public void teardown() {
            if (model != null) {
                model.close();
            }
            NativeMemory.release(); // In a long-lived TaskManager, between this job and the next.
        }
    }
}
