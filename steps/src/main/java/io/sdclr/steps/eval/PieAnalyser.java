package io.sdclr.steps.eval;

import io.sdclr.dsl.InputFiles;
import io.sdclr.dsl.StepContext;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.PieAnalysis;
import io.sdclr.steps.avro.PieExample;
import io.sdclr.steps.avro.PieRates;
import io.sdclr.steps.avro.TrainSet;
import io.sdclr.steps.internal.data.ImageBatch;
import io.sdclr.steps.internal.model.EncoderSpec;
import io.sdclr.steps.internal.model.FrozenEncoder;
import io.sdclr.steps.internal.model.NativeMemory;
import io.sdclr.steps.internal.model.PruneMask;
import io.sdclr.steps.train.Pretrain;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.values.KV;

/**
 * The body of {@link AnalysePies}: one {@code DoFn} over the gathered dense features and images of one encoder's
 * split. It loads the encoder once in {@code @Setup}, prunes it, embeds D_i, the validation and the test images
 * with the pruned network, classifies both networks' features with the same two recipes and writes the record.
 */
final class PieAnalyser extends DoFn<KV<Integer, CoGbkResult>, PieAnalysis> {
    private static final long serialVersionUID = 1L;

    private final AnalysePies.Settings settings;
    private final LongTailSplit split;
    private final Encoder encoder;
    private final InputFiles encoderFiles;
    private final StepContext ctx;
    private transient FrozenEncoder model;

    PieAnalyser(AnalysePies.Settings settings, LongTailSplit split, Encoder encoder, InputFiles encoderFiles,
            StepContext ctx) {
        this.settings = settings;
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
    public void process(@Element KV<Integer, CoGbkResult> all, OutputReceiver<PieAnalysis> out) {
        // Read once into a list: a grouped result may be iterable only once (Flink's batch runner, at scale).
        List<Feature> features = new ArrayList<>();
        all.getValue().getAll(FeaturesWithImages.FEATURES).forEach(features::add);
        EvaluateFeatures.Identity.ofFeaturesOf(encoder, features, "encoder",
                "analyse the encoder with the features extracted with it");
        EncoderSpec spec = model.spec();
        ImageBatch images = ImageBatch.of(all.getValue().getAll(FeaturesWithImages.IMAGES), spec.channels(), spec.imageSize(),
                "the encoder");
        PieSets sets = PieSets.of(images, features, split);
        int classes = split.getNumClasses();

        PruneMask.Summary mask = model.prune(settings.prune());
        double kept = (double) mask.kept() / mask.total();
        ctx.progress(String.format(Locale.ROOT, "pruned network: kept %.1f%% of conv weights (pretrain.prune=%s),"
                        + " BN set %s; extracting %d images (D_i %d, validation %d, test %d)%s", 100 * kept,
                Pretrain.PRUNE.text(settings.prune()), settings.bnSet(), sets.size(), sets.longTail().size(),
                sets.val().size(), sets.test().size(), encoder.getTrainSet() == TrainSet.BALANCED
                        ? "; the encoder was pretrained on D_b (balanced control), its PIEs are counted on D_i" : ""));
        long t0 = System.nanoTime();
        float[][][] pruned = sets.split(model.embed(sets.allPixels(), settings.branch()));
        ctx.progress(String.format(Locale.ROOT, "pruned features of %d images in %.1f s", sets.size(),
                (System.nanoTime() - t0) / 1e9));

        LabeledFeatures[] dense = {sets.longTail().denseFeatures(), sets.val().denseFeatures(),
            sets.test().denseFeatures()};
        LabeledFeatures[] prunedSets = new LabeledFeatures[3];
        PieSets.Rows[] rows = {sets.longTail(), sets.val(), sets.test()};
        for (int i = 0; i < 3; i++) {
            prunedSets[i] = new LabeledFeatures(pruned[i], rows[i].labels());
        }
        // The same recipe for both networks, each trained on its own validation features.
        long t1 = System.nanoTime();
        int[][] linearDense = LinearProbe.trainAndPredict(dense[1], dense[1], classes, settings.probe(), dense[0],
                dense[2]);
        int[][] linearPruned = LinearProbe.trainAndPredict(prunedSets[1], prunedSets[1], classes, settings.probe(),
                prunedSets[0], prunedSets[2]);
        int[][] knnDense = knn(dense, classes);
        int[][] knnPruned = knn(prunedSets, classes);

        int[] trainY = sets.longTail().labels();
        int[] testY = sets.test().labels();
        Disagreement linearTrain = Disagreement.of(trainY, linearDense[0], linearPruned[0], classes);
        Disagreement linearTest = Disagreement.of(testY, linearDense[1], linearPruned[1], classes);
        Disagreement knnTrain = Disagreement.of(trainY, knnDense[0], knnPruned[0], classes);
        Disagreement knnTest = Disagreement.of(testY, knnDense[1], knnPruned[1], classes);
        ctx.progress(String.format(Locale.ROOT, "classified D_i and test with both networks' linear classifiers"
                + " and kNN in %.1f s", (System.nanoTime() - t1) / 1e9));
        progress("linear", linearTrain, linearTest);
        progress("kNN k=" + settings.k(), knnTrain, knnTest);

        List<PieRates> rates = List.of(rates("linear", "train", linearTrain), rates("linear", "test", linearTest),
                rates("knn", "train", knnTrain), rates("knn", "test", knnTest));
        out.output(PieAnalysis.newBuilder()
                .setMethod(encoder.getMethod())
                .setTrainSet(encoder.getTrainSet())
                .setSplit(split.getSplit())
                .setPrune(settings.prune())
                .setMaskKept(kept)
                .setBnSet(settings.bnSet())
                .setClassCounts(split.getClassCounts())
                .setRates(rates)
                .setExamples(examples(sets.longTail(), linearDense[0], linearPruned[0], linearTrain.pie(), spec))
                .build());
    }

    /** kNN predictions for D_i ({@code [0]}) and test ({@code [1]}), the validation set ({@code sets[1]}) the bank. */
    private int[][] knn(LabeledFeatures[] sets, int classes) {
        return new int[][] {
            KnnClassifier.predict(sets[1], sets[0], classes, settings.k(), KnnClassifier.DEFAULT_TEMPERATURE),
            KnnClassifier.predict(sets[1], sets[2], classes, settings.k(), KnnClassifier.DEFAULT_TEMPERATURE)
        };
    }

    private void progress(String classifier, Disagreement train, Disagreement test) {
        ctx.progress(String.format(Locale.ROOT, "%s: PIEs %.2f%% of D_i, %.2f%% of test; test accuracy dense %.2f%%,"
                        + " pruned %.2f%%", classifier, train.overallRate(), test.overallRate(), test.denseAccuracy(),
                test.prunedAccuracy()));
    }

    private static PieRates rates(String classifier, String images, Disagreement d) {
        List<Double> rate = new ArrayList<>();
        for (double r : d.perClassRate()) {
            rate.add(r);
        }
        List<Integer> counts = new ArrayList<>();
        for (int n : d.perClassImages()) {
            counts.add(n);
        }
        return PieRates.newBuilder().setClassifier(classifier).setImages(images).setPerClassRate(rate)
                .setPerClassImages(counts).setDenseAccuracy(d.denseAccuracy())
                .setPrunedAccuracy(d.prunedAccuracy()).build();
    }

    private List<PieExample> examples(PieSets.Rows di, int[] dense, int[] pruned, boolean[] pie, EncoderSpec spec) {
        List<PieExample> out = new ArrayList<>();
        for (int r : PieExamples.choose(di.ids(), di.labels(), pie, PieExamples.classesShown(split.getClassOrder()))) {
            out.add(PieExample.newBuilder().setId(di.ids()[r]).setLabel(di.labels()[r]).setPie(pie[r])
                    .setDensePrediction(dense[r]).setPrunedPrediction(pruned[r]).setChannels(spec.channels())
                    .setHeight(spec.imageSize()).setWidth(spec.imageSize())
                    .setPixels(ByteBuffer.wrap(di.pixels().get(r).clone())).build());
        }
        return out;
    }

    @Teardown
    public void teardown() {
        if (model != null) {
            model.close();
        }
        NativeMemory.release(); // In a long-lived TaskManager, between this job and the next.
    }
}
