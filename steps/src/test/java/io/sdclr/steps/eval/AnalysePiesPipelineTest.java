package io.sdclr.steps.eval;

import static com.google.common.truth.Truth.assertThat;
import static io.sdclr.steps.Causes.causeOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.Param;
import io.sdclr.dsl.Params;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.WorkflowGraph;
import io.sdclr.steps.features.ExtractFeatures;
import io.sdclr.steps.subset.BuildLongTail;
import io.sdclr.dsl.StepContext;
import io.sdclr.dsl.StepInput;
import io.sdclr.dsl.Workflow;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.Method;
import io.sdclr.steps.avro.PieAnalysis;
import io.sdclr.steps.avro.PieExample;
import io.sdclr.steps.avro.PieRates;
import io.sdclr.steps.avro.Source;
import io.sdclr.steps.data.ReadIdx;
import io.sdclr.steps.data.TestImages;
import io.sdclr.steps.internal.data.IdxFile;
import io.sdclr.steps.internal.model.Branch;
import io.sdclr.steps.internal.model.DualBranchResNet;
import io.sdclr.steps.internal.model.EncoderSpec;
import io.sdclr.steps.internal.model.FrozenEncoder;
import io.sdclr.steps.internal.model.ParamsFile;
import io.sdclr.steps.internal.model.PruneMask;
import io.sdclr.steps.internal.model.RandomEncoders;
import io.sdclr.steps.internal.subset.SplitRecords;
import io.sdclr.steps.train.Pretrain;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AnalysePies} as a Beam transform on real Fashion-MNIST images through real (randomly initialised)
 * width-0.25 ResNet-18s: the first 1,000 training images (validation set: ids 0..99; D_i: a long tail of 148 images
 * of ids 100..999, classes ordered 3, 0, 7, 1, 9, 2, 5, 8, 4, 6 from head to tail) and the first 200 test images.
 * The dense features are those of every image, computed outside Beam as the features step would.
 */
class AnalysePiesPipelineTest {
    private static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");
    private static final int CLASSES = 10;
    private static final int TRAIN = 1000;
    private static final int TEST = 200;
    private static final int VAL = 100;
    private static final int[] TAIL_COUNTS = {40, 30, 22, 16, 12, 9, 7, 5, 4, 3};
    private static final List<Integer> CLASS_ORDER = List.of(3, 0, 7, 1, 9, 2, 5, 8, 4, 6);

    @TempDir static Path dir;
    private static List<Image> images;
    private static Map<Long, Image> imageById;
    private static LongTailSplit split;
    private static Encoder sdclr;
    private static Encoder simclr;
    private static List<Feature> sdclrFeatures;
    private static List<Feature> simclrFeatures;

    private final TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    @TempDir Path tmp;

    private final Workflow wf = Workflow.named("t");
    private final Artifact<Encoder> encoder = wf.ref("pretrain-sdclr-s0", Encoder.class);
    private final Artifact<Feature> features = wf.ref("features-sdclr-s0", Feature.class);
    private final Artifact<Image> data = wf.ref("data", Image.class);
    private final Artifact<LongTailSplit> subset = wf.ref("subset", LongTailSplit.class);

    private static EncoderSpec spec(String method) {
        return new EncoderSpec(method, "resnet18", 0.25, 1, 28, List.of(0.2860), List.of(0.3530));
    }

    @BeforeAll
    static void imagesSplitEncodersAndFeatures() throws IOException {
        byte[][] train = IdxFile.readImages(FASHION.resolve("train-images-idx3-ubyte.gz"), 0, TRAIN);
        int[] trainLabels = IdxFile.readLabels(FASHION.resolve("train-labels-idx1-ubyte.gz"), CLASSES);
        byte[][] test = IdxFile.readImages(FASHION.resolve("t10k-images-idx3-ubyte.gz"), 0, TEST);
        int[] testLabels = IdxFile.readLabels(FASHION.resolve("t10k-labels-idx1-ubyte.gz"), CLASSES);
        images = new ArrayList<>();
        imageById = new HashMap<>();
        for (int i = 0; i < TRAIN + TEST; i++) {
            boolean isTest = i >= TRAIN;
            int j = isTest ? i - TRAIN : i;
            Image im = TestImages.image(isTest ? ReadIdx.TEST_ID_OFFSET + j : j, isTest ? Source.TEST : Source.TRAIN,
                    isTest ? testLabels[j] : trainLabels[j], 1, 28, isTest ? test[j] : train[j]);
            images.add(im);
            imageById.put(im.getId(), im);
        }
        split = split(trainLabels);

        Files.createDirectories(dir.resolve("sdclr"));
        Files.createDirectories(dir.resolve("simclr"));
        sdclr = Encoder.newBuilder(RandomEncoders.write(spec("sdclr"), 5, 0, dir.resolve("sdclr/encoder.params")))
                .setHyperParameters(Map.of("prune", "0.9")).build();
        simclr = Encoder.newBuilder(RandomEncoders.write(spec("simclr"), 6, 0,
                dir.resolve("simclr/encoder.params"))).setHyperParameters(Map.of()).build();
        sdclrFeatures = features(sdclr, dir.resolve("sdclr"));
        simclrFeatures = features(simclr, dir.resolve("simclr"));
    }

    /** Validation 0..99, pool 100..999, D_i the first TAIL_COUNTS[t] pool images of the class at tail position t. */
    private static LongTailSplit split(int[] labels) {
        int[] counts = new int[CLASSES];
        for (int t = 0; t < CLASSES; t++) {
            counts[CLASS_ORDER.get(t)] = TAIL_COUNTS[t];
        }
        int[] taken = new int[CLASSES];
        List<Long> longTail = new ArrayList<>();
        for (int id = VAL; id < TRAIN; id++) {
            if (taken[labels[id]] < counts[labels[id]]) {
                taken[labels[id]]++;
                longTail.add((long) id);
            }
        }
        assertThat(taken).isEqualTo(counts);
        List<Long> pool = new ArrayList<>();
        for (long id = VAL; id < TRAIN; id++) {
            pool.add(id);
        }
        List<Long> val = new ArrayList<>();
        for (long id = 0; id < VAL; id++) {
            val.add(id);
        }
        return LongTailSplit.newBuilder().setSplit(0).setDataset("fmnist-head").setNumClasses(CLASSES)
                .setClassOrder(CLASS_ORDER).setClassCounts(SplitRecords.ints(counts)).setLongTailIds(longTail)
                .setBalancedIds(longTail).setFewShotIds(longTail.subList(0, 10)).setValIds(val).setPoolIds(pool)
                .build();
    }

    /** The dense features of every image, as the features step computes them. */
    private static List<Feature> features(Encoder e, Path encoderDir) {
        List<byte[]> pixels = new ArrayList<>();
        for (Image im : images) {
            pixels.add(pixels(im));
        }
        float[][] f;
        try (FrozenEncoder enc = FrozenEncoder.load(encoderDir.resolve("encoder.params"), FrozenEncoder.specOf(e),
                Device.cpu(), e.getParamsSha256())) {
            f = enc.embed(pixels);
        }
        List<Feature> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Image im = images.get(i);
            ByteBuffer values = ByteBuffer.allocate(4 * f[i].length).order(ByteOrder.LITTLE_ENDIAN);
            values.asFloatBuffer().put(f[i]);
            out.add(Feature.newBuilder().setId(im.getId()).setSource(im.getSource()).setLabel(im.getLabel())
                    .setValues(values).setMethod(e.getMethod()).setSplit(e.getSplit()).setTrainSet(e.getTrainSet())
                    .build());
        }
        return out;
    }

    private static byte[] pixels(Image im) {
        byte[] px = new byte[im.getPixels().remaining()];
        im.getPixels().duplicate().get(px);
        return px;
    }

    private static LabeledFeatures labeled(List<Feature> all, List<Long> ids) {
        Map<Long, Feature> byId = new HashMap<>();
        all.forEach(f -> byId.put(f.getId(), f));
        float[][] x = new float[ids.size()][];
        int[] y = new int[ids.size()];
        for (int i = 0; i < x.length; i++) {
            Feature f = byId.get(ids.get(i));
            x[i] = new float[f.getValues().remaining() / 4];
            f.getValues().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(x[i]);
            y[i] = f.getLabel();
        }
        return new LabeledFeatures(x, y);
    }

    private static List<Long> testIds() {
        List<Long> ids = new ArrayList<>();
        for (long j = 0; j < TEST; j++) {
            ids.add(ReadIdx.TEST_ID_OFFSET + j);
        }
        return ids;
    }

    private AnalysePies step() {
        return AnalysePies.of(encoder, features).on(data, subset);
    }

    private StepInput input(Encoder e, List<Feature> feats) {
        return StepInput.forTest(p, StepContext.in("pies", tmp))
                .with(encoder, List.of(e), dir.resolve(EncoderSpec.methodName(e.getMethod())))
                .with(features, feats).with(data, images).with(subset, List.of(split)).build();
    }

    private PCollection<PieAnalysis> apply(AnalysePies step, Encoder e, List<Feature> feats) {
        return input(e, feats).apply("pies", step);
    }

    private static PieRates rates(PieAnalysis a, String classifier, String images) {
        for (PieRates r : a.getRates()) {
            if (r.getClassifier().equals(classifier) && r.getImages().equals(images)) {
                return r;
            }
        }
        throw new AssertionError("no rates of " + classifier + " on " + images);
    }

    private static int sum(List<Integer> xs) {
        return xs.stream().mapToInt(Integer::intValue).sum();
    }

    @Test
    void declaresItsInputsParamsAndRunsAlone() {
        assertThat(step().inputs()).containsExactly(encoder, features, data, subset).inOrder();
        assertThat(step().exclusive()).isTrue();
        assertThat(step().paramValues()).containsExactly("pretrain.prune", "0.9", "pie.k", "20", "pie.bn", "auto",
                "seed", "1").inOrder();
        assertThat(step().params()).contains(Pretrain.PRUNE);
        assertThat(step().params()).contains(Param.SEED);
        // The linear classifiers are the probe's recipe, trained on the validation set: the last epoch is kept.
        ProbeConfig cfg = step().seed(4).probeConfig();
        assertThat(cfg.withValidateEvery(1)).isEqualTo(ProbeConfig.linear(4));
        for (int e = 0; e < cfg.epochs(); e++) {
            assertThat(cfg.validatesAfter(e)).isEqualTo(e == cfg.epochs() - 1);
        }
        // Order of the setters does not matter.
        assertThat(step().k(5).bn("dense").prune(0.5).seed(7).paramValues())
                .isEqualTo(step().seed(7).prune(0.5).bn("dense").k(5).paramValues());
    }

    @Test
    void inAWorkflowTheRatioIsTheOnePretrainingUsesAndOneSetChangesBoth() {
        Workflow w = Workflow.named("pies", Params.of(Map.of("pretrain.prune", "0.5", "pie.k", "5")));
        Artifact<Image> images = w.step("data", ReadIdx.from(FASHION.toString()));
        Artifact<LongTailSplit> splits = w.step("subset", BuildLongTail.from(images));
        Artifact<Encoder> enc = w.step("pretrain-sdclr-s0", Pretrain.sdclr().on(images, splits, 0));
        Artifact<Feature> feats = w.step("features-sdclr-s0", ExtractFeatures.with(enc).of(images));
        w.step("pies-sdclr-s0", AnalysePies.of(enc, feats).on(images, splits));
        WorkflowGraph g = w.validate(); // one declaration of pretrain.prune, no conflict
        Step<?> pies = g.node("pies-sdclr-s0").orElseThrow().step();
        assertThat(g.node("pies-sdclr-s0").orElseThrow().inputs())
                .containsExactly("pretrain-sdclr-s0", "features-sdclr-s0", "data", "subset").inOrder();
        assertThat(pies.paramValues()).containsEntry("pretrain.prune", "0.5");
        assertThat(pies.paramValues()).containsEntry("pie.k", "5");
        assertThat(g.node("pretrain-sdclr-s0").orElseThrow().step().paramValues())
                .containsEntry("pretrain.prune", "0.5");
    }

    @Test
    void sdclrPrunedAtItsTrainingRatioWithItsPrunedBnSet() throws IOException {
        PCollection<PieAnalysis> out = apply(step(), sdclr, sdclrFeatures);
        double expectedKept;
        try (DualBranchResNet net = DualBranchResNet.create(spec("sdclr"), Device.cpu(), 0L)) {
            ParamsFile.read(net, dir.resolve("sdclr/encoder.params"));
            PruneMask m = PruneMask.global(net, 0.9);
            expectedKept = (double) m.kept() / m.total();
        }
        LabeledFeatures val = labeled(sdclrFeatures, split.getValIds());
        LabeledFeatures test = labeled(sdclrFeatures, testIds());
        double knnDenseTest = Arrays.stream(KnnClassifier.perClassAccuracy(val, test, CLASSES, 20, 0.07)).average()
                .orElseThrow();
        PAssert.thatSingleton(out).satisfies(a -> {
            assertThat(a.getMethod()).isEqualTo(Method.SDCLR);
            assertThat(a.getSplit()).isEqualTo(0);
            assertThat(a.getBnSet()).isEqualTo("pruned");
            assertThat(a.getPrune()).isEqualTo(0.9);
            assertThat(a.getMaskKept()).isEqualTo(expectedKept);
            assertThat(a.getMaskKept()).isWithin(1e-3).of(0.1);
            assertThat(a.getClassCounts()).isEqualTo(split.getClassCounts());
            assertThat(a.getRates()).hasSize(4);
            for (PieRates r : a.getRates()) {
                assertThat(r.getPerClassRate()).hasSize(CLASSES);
                assertThat(r.getPerClassImages()).hasSize(CLASSES);
                for (double rate : r.getPerClassRate()) {
                    assertThat(rate).isAtLeast(0.0);
                    assertThat(rate).isAtMost(100.0);
                }
            }
            for (String c : List.of("linear", "knn")) {
                assertThat(rates(a, c, "train").getPerClassImages()).isEqualTo(split.getClassCounts());
                assertThat(sum(rates(a, c, "train").getPerClassImages())).isEqualTo(148);
                assertThat(sum(rates(a, c, "test").getPerClassImages())).isEqualTo(TEST);
            }
            // The dense side is the features given: kNN over the validation features, k 20, as ClassifyKnn does it.
            assertThat(rates(a, "knn", "test").getDenseAccuracy()).isWithin(1e-9).of(knnDenseTest);
            // 90% of a network's conv weights gone changes some answers.
            assertThat(rates(a, "linear", "train").getPerClassRate().stream().anyMatch(r -> r > 0)).isTrue();
            checkExamples(a);
            return null;
        });
        p.run().waitUntilFinish();
        List<String> progress = Files.readAllLines(tmp.resolve("progress.log"));
        assertThat(progress.get(0)).startsWith("pruned network: kept 10.0% of conv weights (pretrain.prune=0.9), BN"
                + " set pruned; extracting 448 images (D_i 148, validation 100, test 200)");
        assertThat(progress.get(1)).startsWith("pruned features of 448 images in ");
        assertThat(progress.get(2)).startsWith("classified D_i and test with both networks' linear classifiers and"
                + " kNN in ");
        assertThat(progress.get(3)).startsWith("linear: PIEs ");
        assertThat(progress.get(4)).startsWith("kNN k=20: PIEs ");
        assertThat(progress).hasSize(5);
    }

    /** Up to 2 PIEs and 2 non-PIEs per class, smallest ids, head to tail, each with its image's pixels. */
    private static void checkExamples(PieAnalysis a) {
        List<PieExample> ex = a.getExamples();
        assertThat(ex).isNotEmpty();
        List<Long> longTail = split.getLongTailIds();
        int lastClassPosition = -1;
        Map<String, Integer> perClassKind = new HashMap<>();
        for (PieExample e : ex) {
            assertThat(longTail).contains(e.getId());
            Image im = imageById.get(e.getId());
            assertThat(e.getLabel()).isEqualTo(im.getLabel());
            assertThat(e.getPie()).isEqualTo(e.getDensePrediction() != e.getPrunedPrediction());
            assertThat(e.getChannels()).isEqualTo(1);
            assertThat(e.getHeight()).isEqualTo(28);
            assertThat(e.getWidth()).isEqualTo(28);
            assertThat(e.getPixels().remaining()).isEqualTo(784);
            assertThat(pixels(e.getPixels())).isEqualTo(pixels(im));
            int position = CLASS_ORDER.indexOf(e.getLabel());
            assertThat(position).isAtLeast(lastClassPosition);
            lastClassPosition = position;
            perClassKind.merge(e.getLabel() + "/" + e.getPie(), 1, Integer::sum);
        }
        assertThat(perClassKind.values().stream().allMatch(n -> n <= 2)).isTrue();
        // Every class of D_i has at least 3 images, so at least 2 of one kind: every class is shown.
        for (int c = 0; c < CLASSES; c++) {
            int shown = perClassKind.getOrDefault(c + "/true", 0) + perClassKind.getOrDefault(c + "/false", 0);
            assertThat(shown).isAtLeast(2);
        }
    }

    private static byte[] pixels(ByteBuffer b) {
        byte[] px = new byte[b.remaining()];
        b.duplicate().get(px);
        return px;
    }

    @Test
    void nothingPrunedWithTheDenseBnSetIsTheDenseNetworkSoNoImageIsAPie() {
        PCollection<PieAnalysis> out = apply(step().prune(0).bn("dense"), sdclr, sdclrFeatures);
        PAssert.thatSingleton(out).satisfies(a -> {
            assertThat(a.getBnSet()).isEqualTo("dense");
            assertThat(a.getPrune()).isEqualTo(0.0);
            assertThat(a.getMaskKept()).isEqualTo(1.0);
            for (PieRates r : a.getRates()) {
                assertThat(r.getPerClassRate()).containsExactlyElementsIn(java.util.Collections.nCopies(CLASSES, 0.0));
                assertThat(r.getPrunedAccuracy()).isEqualTo(r.getDenseAccuracy());
            }
            assertThat(a.getExamples().stream().noneMatch(PieExample::getPie)).isTrue();
            // No PIEs: two non-PIEs per class (every class of D_i has at least 3 images).
            assertThat(a.getExamples()).hasSize(2 * CLASSES);
            return null;
        });
        p.run().waitUntilFinish();
    }

    @Test
    void simclrIsPrunedWithItsOnlyBnSetAtAnyRatio() {
        PCollection<PieAnalysis> out = apply(step().prune(0.5), simclr, simclrFeatures);
        PAssert.thatSingleton(out).satisfies(a -> {
            assertThat(a.getMethod()).isEqualTo(Method.SIMCLR);
            assertThat(a.getBnSet()).isEqualTo("dense");
            assertThat(a.getPrune()).isEqualTo(0.5);
            assertThat(a.getMaskKept()).isWithin(1e-3).of(0.5);
            return null;
        });
        p.run().waitUntilFinish();
    }

    @Test
    void autoIsTheEncodersOwnPrunedBnSetWhereItHasOne() {
        assertThat(AnalysePies.branch(sdclr, "auto", 0.9)).isEqualTo(Branch.PRUNED);
        assertThat(AnalysePies.branch(sdclr, "pruned", 0.9)).isEqualTo(Branch.PRUNED);
        assertThat(AnalysePies.branch(sdclr, "dense", 0.9)).isEqualTo(Branch.PRUNED_DENSE_BN);
        assertThat(AnalysePies.branch(simclr, "auto", 0.9)).isEqualTo(Branch.PRUNED_DENSE_BN);
        assertThat(AnalysePies.branch(simclr, "dense", 0.3)).isEqualTo(Branch.PRUNED_DENSE_BN);
        Encoder unrecorded = Encoder.newBuilder(sdclr).setHyperParameters(Map.of()).build();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> AnalysePies.branch(unrecorded, "auto", 0.9));
        assertThat(e).hasMessageThat().isEqualTo("the encoder record of sdclr split 0 (D_i) has no hyperParameters"
                + " entry \"prune\", so whether its pruned BN set belongs to pretrain.prune=0.9 cannot be checked;"
                + " use pie.bn=dense");
    }

    @Test
    void thePrunedBnSetOfASimclrEncoderIsBadInput() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> apply(step().bn("pruned"), simclr, simclrFeatures));
        assertThat(e).hasMessageThat().startsWith("pie.bn=pruned but the encoder of simclr split 0 (D_i) is a simclr"
                + " encoder: it was trained without a pruned branch, so it has no pruned BN set;");
    }

    @Test
    void anSdclrEncoderAnalysedAtAnotherRatioThanItsTrainingOneIsBadInput() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> apply(step().prune(0.5), sdclr, sdclrFeatures));
        assertThat(e).hasMessageThat().startsWith("pretrain.prune=0.5 but the encoder of sdclr split 0 (D_i) was"
                + " trained at prune 0.9: its pruned BN set (pie.bn=auto) holds the statistics of the network pruned"
                + " at the training ratio");
        // With the dense BN set any ratio is fine.
        assertThat(AnalysePies.branch(sdclr, "dense", 0.5).bnSet()).isEqualTo(0);
        assertThat(AnalysePies.branch(sdclr, "dense", 0.5).masked()).isTrue();
    }

    @Test
    void outOfRangeValuesAreRejectedWhereTheyAreSet() {
        InvalidInputException k = assertThrows(InvalidInputException.class, () -> step().k(0));
        assertThat(k).hasMessageThat().contains("pie.k=0");
        InvalidInputException prune = assertThrows(InvalidInputException.class, () -> step().prune(1.0));
        assertThat(prune).hasMessageThat().contains("pretrain.prune=1");
        assertThat(prune).hasMessageThat().contains("be in [0, 1)");
        InvalidInputException bn = assertThrows(InvalidInputException.class, () -> step().bn("sparse"));
        assertThat(bn).hasMessageThat().contains("pie.bn=sparse: the value must be auto, pruned or dense");
        assertThat(AnalysePies.K.parse("3")).isEqualTo(3);
        assertThrows(InvalidInputException.class, () -> AnalysePies.K.parse("0"));
        assertThrows(InvalidInputException.class, () -> Pretrain.PRUNE.parse("1.0"));
    }

    @Test
    void moreNeighboursThanValidationImagesIsBadInput() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> apply(step().k(101), sdclr, sdclrFeatures));
        assertThat(e).hasMessageThat().isEqualTo("pie.k=101 is more than the 100 images of the validation set of"
                + " split 0, the kNN bank of the PIE analysis; expected at most 100");
    }

    @Test
    void featuresOfAnotherEncoderAreRefused() {
        apply(step().bn("dense"), sdclr, simclrFeatures);
        RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
        IllegalStateException bad = causeOf(e, IllegalStateException.class);
        assertThat(bad).isNotNull();
        assertThat(bad).hasMessageThat().startsWith("the features are those of Identity[method=SIMCLR, split=0,"
                + " trainSet=LONG_TAIL] but the encoder is Identity[method=SDCLR");
    }
}
