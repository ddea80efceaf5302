package io.sdclr.steps.train;

import static io.sdclr.steps.Causes.causeOf;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.steps.internal.train.PretrainConfig;
import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.StepContext;
import io.sdclr.dsl.StepInput;
import io.sdclr.dsl.Workflow;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.Method;
import io.sdclr.steps.avro.TrainSet;
import io.sdclr.steps.data.TestImages;
import io.sdclr.steps.internal.model.ParamsFile;
import io.sdclr.steps.subset.TestSplits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Pretrain} as a Beam transform fed in-memory records: 40 random 1x8x8 training images of 10 classes (plus 4
 * test images, never trained on), a width-0.25 ResNet-18, one epoch at batch 16. Split 0 has D_i = ids 0..19,
 * split 1 has D_i = ids 4..35.
 */
class PretrainPipelineTest {
    private static final int CLASSES = 10;
    private static final long SEED = 3;

    private final TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    @TempDir Path tmp;

    private final Workflow wf = Workflow.named("t");
    private final Artifact<Image> images = wf.ref("data", Image.class);
    private final Artifact<LongTailSplit> subset = wf.ref("subset", LongTailSplit.class);

    private static final List<Image> IMAGES = TestImages.random(40, 4, CLASSES, 1, 8, 11);

    private static List<LongTailSplit> splits() {
        long[] val = TestSplits.range(36, 40);
        long[] pool = TestSplits.range(0, 36);
        return List.of(
                TestSplits.split(0, CLASSES, TestSplits.range(0, 20), TestSplits.range(0, 20),
                        TestSplits.range(0, 10), val, pool),
                TestSplits.split(1, CLASSES, TestSplits.range(4, 36), TestSplits.range(4, 36),
                        TestSplits.range(4, 14), val, pool));
    }

    private Pretrain tiny(Pretrain step) {
        return step.width(0.25).epochs(1).batch(16).warmupEpochs(0).normalization(List.of(0.5), List.of(0.25))
                .seed(SEED);
    }

    private PCollection<Encoder> apply(Pretrain step, StepContext ctx, List<Image> records) {
        StepInput in = StepInput.forTest(p, ctx).with(images, records).with(subset, splits()).build();
        return in.apply("pretrain", step);
    }

    /** Checks the single encoder; {@code paramsFile} is where the context put the parameters. */
    private static void assertEncoder(PCollection<Encoder> out, Method method, int split, int trainImages,
            String paramsFile) {
        PAssert.thatSingleton(out).satisfies(e -> {
            assertThat(e.getMethod()).isEqualTo(method);
            assertThat(e.getSplit()).isEqualTo(split);
            assertThat(e.getHyperParameters()).containsEntry("trainImages", Integer.toString(trainImages));
            // Split k trains with seed + k.
            assertThat(e.getHyperParameters()).containsEntry("seed", Long.toString(SEED + split));
            assertThat(e.getHyperParameters()).containsEntry("batch", "16");
            // Only SDCLR prunes, so only its record names a pruning ratio.
            if (method == Method.SDCLR) {
                assertThat(e.getHyperParameters()).containsEntry("prune", "0.9");
            } else {
                assertThat(e.getHyperParameters()).doesNotContainKey("prune");
            }
            // The input geometry is the images'.
            assertThat(e.getChannels()).isEqualTo(1);
            assertThat(e.getImageSize()).isEqualTo(8);
            assertThat(e.getArch()).isEqualTo("resnet18");
            assertThat(e.getWidth()).isEqualTo(0.25);
            assertThat(e.getFeatureDim()).isEqualTo(128);
            assertThat(e.getMean()).containsExactly(0.5);
            assertThat(e.getStd()).containsExactly(0.25);
            assertThat(e.getEpochs()).isEqualTo(1);
            assertThat(e.getLossPerEpoch()).hasSize(1);
            assertThat(Float.isFinite(e.getLossPerEpoch().get(0))).isTrue();
            assertThat(e.getParamsFile()).isEqualTo("encoder.params");
            assertThat(e.getParamsSha256()).isEqualTo(ParamsFile.sha256(Path.of(paramsFile)));
            return null;
        });
    }

    @Test
    void sdclrTrainsOnDiOfItsSplitAndWritesTheParamsUnderTheOutputDirectory() throws IOException {
        StepContext ctx = StepContext.in("pretrain-sdclr-s1", tmp);
        Path params = ctx.outputFile("encoder.params");
        assertThat(params.startsWith(tmp.resolve("out"))).isTrue();
        Pretrain step = tiny(Pretrain.sdclr().on(images, subset, 1));
        assertThat(step.settings()).isEqualTo(Map.of("method", "sdclr", "split", "1", "trainSet", "long_tail"));
        assertThat(step.inputs()).containsExactly(images, subset).inOrder();
        assertThat(step.exclusive()).isTrue();

        assertEncoder(apply(step, ctx, TestImages.shuffled(IMAGES, 2)), Method.SDCLR, 1, 32, params.toString());
        p.run().waitUntilFinish();

        assertThat(Files.isRegularFile(params)).isTrue();
        // Checkpoints go to the context's work directory; progress lines to its progress file.
        assertThat(Files.isRegularFile(ctx.workDir().resolve("checkpoint-epoch-1.bin"))).isTrue();
        List<String> progress = Files.readAllLines(tmp.resolve("progress.log"));
        assertThat(progress.get(0)).startsWith("pretraining sdclr on CPU with");
        assertThat(progress.get(progress.size() - 1)).startsWith("epoch 1/1 done loss ");
    }

    @Test
    void simclrOfSplit0TrainsWithTheRunSeed() {
        StepContext ctx = StepContext.in("pretrain-simclr-s0", tmp);
        Pretrain step = tiny(Pretrain.method(Method.SIMCLR).on(images, subset, 0)).checkpointEvery(0);
        assertThat(step.settings()).isEqualTo(Map.of("method", "simclr", "split", "0", "trainSet", "long_tail"));
        assertThat(step.paramValues()).doesNotContainKey("pretrain.prune");
        assertEncoder(apply(step, ctx, IMAGES), Method.SIMCLR, 0, 20, ctx.outputFile("encoder.params").toString());
        p.run().waitUntilFinish();
    }

    /** The balanced control trains on D_b (here ids 10..29, not D_i's 0..19) and says so in its record. */
    @Test
    void balancedControlTrainsOnDbAndIsMarkedBalanced() {
        StepContext ctx = StepContext.in("pretrain-simclr-balanced-s0", tmp);
        Pretrain step = tiny(Pretrain.simclr().onBalanced(images, subset, 0)).checkpointEvery(0);
        assertThat(step.settings()).containsEntry("trainSet", "balanced");
        List<LongTailSplit> splits = List.of(TestSplits.split(0, CLASSES, TestSplits.range(0, 20),
                TestSplits.range(10, 30), TestSplits.range(10, 14), TestSplits.range(36, 40),
                TestSplits.range(0, 36)));
        // D_b alone is present: training on D_i would find 10 of its 20 images missing.
        List<Image> records = new ArrayList<>(IMAGES);
        records.removeIf(im -> im.getId() < 10);
        StepInput in = StepInput.forTest(p, ctx).with(images, records).with(subset, splits).build();
        PAssert.thatSingleton(in.apply("pretrain", step)).satisfies(e -> {
            assertThat(e.getTrainSet()).isEqualTo(TrainSet.BALANCED);
            assertThat(e.getMethod()).isEqualTo(Method.SIMCLR);
            assertThat(e.getHyperParameters()).containsEntry("trainImages", "20");
            assertThat(e.getMaskKeptPerEpoch()).isEmpty();
            return null;
        });
        p.run().waitUntilFinish();
    }

    @Test
    void balancedControlWithoutDbIsBadInputNamingTheSwitch() {
        List<LongTailSplit> splits = List.of(TestSplits.split(0, CLASSES, TestSplits.range(0, 20), new long[0],
                new long[0], TestSplits.range(36, 40), TestSplits.range(0, 36)));
        StepInput in = StepInput.forTest(p, StepContext.in("pretrain", tmp)).with(images, IMAGES)
                .with(subset, splits).build();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> in.apply("pretrain", tiny(Pretrain.simclr().onBalanced(images, subset, 0))));
        assertThat(e).hasMessageThat().isEqualTo("split 0 has no D_b to pretrain on (the balanced control needs D_b:"
                + " switch it off with --set control.balanced=false)");
    }

    @Test
    void sdclrRecordsItsMaskPerEpoch() {
        StepContext ctx = StepContext.in("pretrain-sdclr-s0", tmp);
        PAssert.thatSingleton(apply(tiny(Pretrain.sdclr().on(images, subset, 0)).epochs(2).prune(0.5), ctx, IMAGES))
                .satisfies(e -> {
                    assertThat(e.getTrainSet()).isEqualTo(TrainSet.LONG_TAIL);
                    assertThat(e.getMaskKeptPerEpoch()).hasSize(2);
                    assertThat(e.getMaskThresholdPerEpoch()).hasSize(2);
                    assertThat(e.getMaskKeptPerEpoch().get(1)).isWithin(0.001).of(0.5);
                    return null;
                });
        p.run().waitUntilFinish();
    }

    @Test
    void missingDiImagesFailTheRunWithTheCounts() {
        List<Image> records = new ArrayList<>(IMAGES);
        records.removeIf(im -> im.getId() == 5 || im.getId() == 6);
        apply(tiny(Pretrain.sdclr().on(images, subset, 1)), StepContext.in("pretrain", tmp), records);
        RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
        IllegalStateException bad = causeOf(e, IllegalStateException.class);
        assertThat(bad).isNotNull();
        assertThat(bad).hasMessageThat()
                .isEqualTo("split 1 lists 32 images in D_i but 30 were found in the data artifact");
    }

    @Test
    void crossFieldProblemsAreReportedNotThrown() {
        Pretrain ok = tiny(Pretrain.sdclr().on(images, subset, 0));
        assertThat(ok.problems()).isEmpty();
        assertThat(ok.epochs(2).warmupEpochs(3).problems()).containsExactly(
                "pretrain.warmupEpochs=3 is more than pretrain.epochs=2: the whole run would stay in warm-up");
        assertThat(ok.normalization(List.of(0.5, 0.5, 0.5), List.of(0.25)).problems()).containsExactly(
                "pretrain.mean=0.5,0.5,0.5 and pretrain.std=0.25 must have one value per image channel each");
        assertThrows(IllegalArgumentException.class, () -> Pretrain.sdclr().on(images, subset, -1));
    }


    @Test
    void pretrainAcceptsResnet50AndRejectsOtherArchs() {
        Pretrain.Config ok = new Pretrain.Config(Method.SDCLR, TrainSet.LONG_TAIL, 0, "resnet50", 1.0, List.of(0.485, 0.456, 0.406),
                List.of(0.229, 0.224, 0.225), 1, 8, 0.5, 0.2, 0.3, 0, 1e-4, 1L, 0);
        // The input geometry comes from the images: 3 x 224 x 224.
        PretrainConfig loop = ok.loop(3, 224);
        assertThat(loop.encoder().featureDim()).isEqualTo(2048);
        assertThat(loop.encoder().method()).isEqualTo("sdclr");
        Workflow wf = Workflow.named("arch");
        Pretrain step = Pretrain.sdclr().on(wf.ref("data", Image.class), wf.ref("subset", LongTailSplit.class), 0);
        assertThat(step.arch("resnet50").get(Pretrain.ARCH)).isEqualTo("resnet50");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> step.arch("resnet34"));
        assertThat(e).hasMessageThat().contains("pretrain.arch=resnet34");
        assertThat(e).hasMessageThat().contains("be resnet18 or resnet50");
        // The record the encoder is rebuilt from rejects it too.
        InvalidInputException spec = assertThrows(InvalidInputException.class, () -> new Pretrain.Config(
                Method.SDCLR, TrainSet.LONG_TAIL, 0, "resnet34", 0.25, List.of(0.3), List.of(0.3), 1, 8, 0.5, 0.2, 0.9, 0, 1e-4, 1L, 0)
                .loop(1, 28));
        assertThat(spec).hasMessageThat().contains("encoder arch is \"resnet34\", expected \"resnet18\" or \"resnet50\"");
    }
}
