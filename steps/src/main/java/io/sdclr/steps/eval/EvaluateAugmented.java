package io.sdclr.steps.eval;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.StepContext;
import io.sdclr.dsl.StepInput;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.ProbeResult;
import io.sdclr.steps.avro.Source;
import io.sdclr.steps.features.FrozenEncoder;
import io.sdclr.steps.model.Devices;
import io.sdclr.steps.model.EncoderSpec;
import io.sdclr.steps.subset.SplitRecords;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The Beam body of an augmented probe ({@link TrainLinearClassifier#augmented}): keeps the training images of the
 * split, brings them together with all features of the encoder (one {@code CoGroupByKey} on a constant key), and
 * trains the linear classifier in one {@code DoFn} that loads the frozen encoder once in {@code @Setup}. Validation
 * and test use the cached features; the training rows are {@link AugmentedFeatures}.
 *
 * <pre>{@code
 * PCollection<ProbeResult> r = EvaluateAugmented.expand(in, "probe", params, TrainingSet.POOL, features, subset,
 *     encoder, images);
 * }</pre>
 */
final class EvaluateAugmented {
    private static final TupleTag<Feature> FEATURES = new TupleTag<>("features");
    private static final TupleTag<Image> IMAGES = new TupleTag<>("images");

    private EvaluateAugmented() {}

    static PCollection<ProbeResult> expand(StepInput in, String kind, TrainLinearClassifier.Params params,
            TrainLinearClassifier.TrainingSet trainingSet, Artifact<Feature> features, Artifact<LongTailSplit> subset,
            Artifact<Encoder> encoder, Artifact<Image> images) {
        StepContext ctx = in.context();
        String subsetDir = ctx.inputDir(subset);
        PCollection<Feature> feats = in.get(features);
        PCollection<Image> train = in.get(images)
                .apply("training images", ParDo.of(new KeepTrainingImages(subsetDir, params.split(), trainingSet)))
                .setCoder(in.get(images).getCoder());
        PCollection<KV<Integer, Feature>> keyedFeats = feats
                .apply("key features", WithKeys.<Integer, Feature>of(0).withKeyType(TypeDescriptors.integers()))
                .setCoder(KvCoder.of(VarIntCoder.of(), feats.getCoder()));
        PCollection<KV<Integer, Image>> keyedImages = train
                .apply("key images", WithKeys.<Integer, Image>of(0).withKeyType(TypeDescriptors.integers()))
                .setCoder(KvCoder.of(VarIntCoder.of(), train.getCoder()));
        return KeyedPCollectionTuple.of(FEATURES, keyedFeats).and(IMAGES, keyedImages)
                .apply("gather", CoGroupByKey.create())
                .apply("evaluate", ParDo.of(new Train(kind, params, trainingSet, subsetDir, ctx.inputDir(encoder),
                        ctx.device(), ctx.stepName())));
    }

    /** Keeps the training images (source TRAIN) whose ids are in the training set of the split. */
    static final class KeepTrainingImages extends DoFn<Image, Image> {
        private static final long serialVersionUID = 1L;
        private final String subsetDir;
        private final int split;
        private final TrainLinearClassifier.TrainingSet trainingSet;
        private transient Set<Long> ids;

        KeepTrainingImages(String subsetDir, int split, TrainLinearClassifier.TrainingSet trainingSet) {
            this.subsetDir = subsetDir;
            this.split = split;
            this.trainingSet = trainingSet;
        }

        @Setup
        public void setup() {
            ids = new HashSet<>(trainingSet.ids(SplitRecords.split(subsetDir, split)));
        }

        @ProcessElement
        public void process(@Element Image im, OutputReceiver<Image> out) {
            if (im.getSource() == Source.TRAIN && ids.contains(im.getId())) {
                out.output(im);
            }
        }
    }

    /** The probe over all features and the training images of one split, with the encoder loaded once. */
    static final class Train extends DoFn<KV<Integer, CoGbkResult>, ProbeResult> {
        private static final long serialVersionUID = 1L;
        private final String kind;
        private final TrainLinearClassifier.Params params;
        private final TrainLinearClassifier.TrainingSet trainingSet;
        private final String subsetDir;
        private final String encoderDir;
        private final String device;
        private final String stepName;
        private transient LongTailSplit splitRecord;
        private transient EncoderSpec spec;
        private transient FrozenEncoder model;

        Train(String kind, TrainLinearClassifier.Params params, TrainLinearClassifier.TrainingSet trainingSet,
                String subsetDir, String encoderDir, String device, String stepName) {
            this.kind = kind;
            this.params = params;
            this.trainingSet = trainingSet;
            this.subsetDir = subsetDir;
            this.encoderDir = encoderDir;
            this.device = device;
            this.stepName = stepName;
        }

        @Setup
        public void setup() {
            splitRecord = SplitRecords.split(subsetDir, params.split());
            model = FrozenEncoder.fromArtifact(encoderDir, device);
            spec = model.spec();
        }

        @ProcessElement
        public void process(@Element KV<Integer, CoGbkResult> all, OutputReceiver<ProbeResult> out) {
            LongTailSplit s = splitRecord;
            FeatureSets sets = FeatureSets.of(all.getValue().getAll(FEATURES), s);
            LabeledFeatures cached = trainingSet.of(sets);

            List<Image> images = new ArrayList<>();
            all.getValue().getAll(IMAGES).forEach(images::add);
            images.sort(Comparator.comparingLong(Image::getId));
            List<Long> expected = trainingSet.ids(s);
            if (images.size() != expected.size()) {
                throw new IllegalStateException(String.format(
                        "split %d: the %s lists %d images but the data artifact has %d of them",
                        s.getSplit(), trainingSet.description(), expected.size(), images.size()));
            }
            int bytes = spec.pixels();
            List<byte[]> pixels = new ArrayList<>(images.size());
            long[] ids = new long[images.size()];
            int[] labels = new int[images.size()];
            for (int i = 0; i < ids.length; i++) {
                Image im = images.get(i);
                if (im.getChannels() != spec.channels() || im.getHeight() != spec.imageSize()
                        || im.getWidth() != spec.imageSize()) {
                    throw new InvalidInputException(
                            "image %d is %dx%dx%d but the encoder takes %dx%dx%d (channels x height x width)",
                            im.getId(), im.getChannels(), im.getHeight(), im.getWidth(), spec.channels(),
                            spec.imageSize(), spec.imageSize());
                }
                ByteBuffer b = im.getPixels().duplicate();
                byte[] px = new byte[bytes];
                b.get(px);
                pixels.add(px);
                ids[i] = im.getId();
                labels[i] = im.getLabel();
                // Images and cached features are both sorted by id: row i of one is row i of the other.
                if (labels[i] != cached.y()[i]) {
                    throw new IllegalStateException(String.format(
                            "image %d has label %d but its cached feature has label %d: the features were not"
                                    + " extracted from these images", im.getId(), labels[i], cached.y()[i]));
                }
            }

            ProbeConfig cfg = params.config();
            String tag = "[" + stepName + "] ";
            System.err.println(tag + String.format(
                    "%s probe on %d augmented training images (RandomCrop(%d, padding=%d) + horizontal flip,"
                            + " re-drawn every epoch) through the frozen encoder, %d epochs, %s torch threads",
                    kind.equals("probe") ? "linear" : "few-shot", ids.length, spec.imageSize(), PadCropFlip.PADDING,
                    cfg.epochs(), Devices.torchThreads()));
            AugmentedFeatures rows = new AugmentedFeatures(model, pixels, ids, labels, spec.channels(),
                    spec.imageSize(), cfg.seed());
            ProbeOutcome o = LinearProbe.train(rows, sets.val(), sets.test(), sets.numClasses(), cfg,
                    line -> System.err.println(tag + line));
            Map<String, String> details = new LinkedHashMap<>();
            details.put("trainImages", Integer.toString(ids.length));
            details.put("augmentation", "RandomCrop(" + spec.imageSize() + ", padding=" + PadCropFlip.PADDING
                    + ") + RandomHorizontalFlip");
            out.output(EvaluateFeatures.result(kind, params.method(), params.split(), s,
                    new EvaluateFeatures.Outcome(o.perClassTestAccuracy(), o.selectedEpoch(),
                            o.validationAccuracy(), details)));
        }

        @Teardown
        public void teardown() {
            if (model != null) {
                model.close();
            }
        }
    }
}
