package io.sdclr.steps.eval;

import static com.google.common.truth.Truth.assertThat;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import io.sdclr.steps.internal.augment.ProbeAugmentation;
import io.sdclr.steps.internal.data.IdxFile;
import io.sdclr.steps.internal.model.FrozenEncoder;
import io.sdclr.steps.internal.model.DualBranchResNet;
import io.sdclr.steps.internal.model.EncoderSpec;
import io.sdclr.steps.internal.model.ParamsFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The augmented probe on real Fashion-MNIST images through a real (randomly initialised) width-0.25 ResNet-18:
 * 300 training, 100 validation and 100 test images, 3 epochs.
 */
class AugmentedProbeTest {
    private static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");
    static final EncoderSpec SPEC =
            new EncoderSpec("sdclr", "resnet18", 0.25, 1, 28, List.of(0.2860), List.of(0.3530));
    private static final ProbeConfig CFG = ProbeConfig.linear(3).withEpochs(3).withDecayEpochs(List.of(2));
    private static final ProbeAugmentation CROP = ProbeAugmentation.named("crop", 1, 28);

    @TempDir static Path tmp;
    private static Path params;
    private static List<byte[]> train;
    private static long[] ids;
    private static int[] labels;
    private static LabeledFeatures val;
    private static LabeledFeatures test;

    @BeforeAll
    static void encoderAndImages() {
        params = tmp.resolve("encoder.params");
        try (DualBranchResNet net = DualBranchResNet.create(SPEC, Device.cpu(), 5L)) {
            ParamsFile.write(net, params);
        }
        byte[][] images = IdxFile.readImages(FASHION.resolve("train-images-idx3-ubyte.gz"), 0, 400);
        int[] allLabels = IdxFile.readLabels(FASHION.resolve("train-labels-idx1-ubyte.gz"), 10);
        byte[][] testImages = IdxFile.readImages(FASHION.resolve("t10k-images-idx3-ubyte.gz"), 0, 100);
        int[] testLabels = IdxFile.readLabels(FASHION.resolve("t10k-labels-idx1-ubyte.gz"), 10);
        train = List.of(images).subList(0, 300);
        ids = new long[300];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 7 + 2L * i; // ids need not be contiguous
        }
        labels = Arrays.copyOf(allLabels, 300);
        try (FrozenEncoder enc = FrozenEncoder.load(params, SPEC, Device.cpu())) {
            val = new LabeledFeatures(enc.embed(List.of(images).subList(300, 400)),
                    Arrays.copyOfRange(allLabels, 300, 400));
            test = new LabeledFeatures(enc.embed(List.of(testImages)), Arrays.copyOf(testLabels, 100));
        }
    }

    /** A full augmented run with its own encoder, as a step would do it. */
    private static ProbeTrace augmentedRun(ProbeConfig cfg) {
        try (FrozenEncoder enc = FrozenEncoder.load(params, SPEC, Device.cpu())) {
            AugmentedFeatures rows = new AugmentedFeatures(enc, train, ids, labels, CROP, cfg.seed());
            return LinearProbe.trainTraced(rows, val, test, 10, cfg);
        }
    }

    private static void assertSameRun(ProbeTrace actual, ProbeTrace expected) {
        assertThat(actual.outcome()).isEqualTo(expected.outcome());
        assertThat(actual.trainingLoss()).isEqualTo(expected.trainingLoss());
        assertThat(actual.validationAccuracy()).isEqualTo(expected.validationAccuracy());
    }

    @Test
    void sameSeedGivesTheSameRunOnAnyThreadAndTorchThreadCount() throws Exception {
        ProbeTrace first = augmentedRun(CFG);
        assertSameRun(augmentedRun(CFG), first);

        int threads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(threads == 1 ? 2 : 1);
        try {
            assertSameRun(augmentedRun(CFG), first);
        } finally {
            JniUtils.setNumThreads(threads);
        }

        // Two probes at once on two threads, each with its own encoder (as two DoFn instances would run them).
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<ProbeTrace> a = pool.submit(() -> augmentedRun(CFG));
            Future<ProbeTrace> b = pool.submit(() -> augmentedRun(CFG));
            assertSameRun(a.get(), first);
            assertSameRun(b.get(), first);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void augmentationChangesTheTrainingRowsEveryEpochAndWithTheSeed() {
        try (FrozenEncoder enc = FrozenEncoder.load(params, SPEC, Device.cpu())) {
            LabeledFeatures plain = new LabeledFeatures(enc.embed(train), labels);
            AugmentedFeatures rows = new AugmentedFeatures(enc, train, ids, labels, CROP, 3);
            LabeledFeatures e1 = rows.epoch(1);
            LabeledFeatures e2 = rows.epoch(2);
            LabeledFeatures e1Again = rows.epoch(1);
            LabeledFeatures otherSeed = new AugmentedFeatures(enc, train, ids, labels, CROP, 4).epoch(1);
            assertThat(e1.y()).isEqualTo(labels);
            assertThat(e1.dim()).isEqualTo(SPEC.featureDim());
            int changedByEpoch = 0;
            int changedBySeed = 0;
            int changedFromPlain = 0;
            for (int i = 0; i < labels.length; i++) {
                assertThat(e1Again.x()[i]).isEqualTo(e1.x()[i]);
                changedByEpoch += Arrays.equals(e1.x()[i], e2.x()[i]) ? 0 : 1;
                changedBySeed += Arrays.equals(e1.x()[i], otherSeed.x()[i]) ? 0 : 1;
                changedFromPlain += Arrays.equals(e1.x()[i], plain.x()[i]) ? 0 : 1;
            }
            // An image keeps its features only when both draws are the same (1 in 162) or the un-augmented one
            // (corner (4, 4), no flip: 1 in 162).
            assertThat(changedByEpoch).isAtLeast(290);
            assertThat(changedBySeed).isAtLeast(290);
            assertThat(changedFromPlain).isAtLeast(290);
        }
    }

    @Test
    void augmentedProbeIsNotTheFixedFeatureProbe() {
        ProbeTrace augmented = augmentedRun(CFG);
        ProbeTrace fixed;
        try (FrozenEncoder enc = FrozenEncoder.load(params, SPEC, Device.cpu())) {
            fixed = LinearProbe.trainTraced(new LabeledFeatures(enc.embed(train), labels), val, test, 10, CFG);
        }
        assertThat(augmented.trainingLoss()).isNotEqualTo(fixed.trainingLoss());
        assertThat(augmentedRun(CFG.withSeed(4)).trainingLoss()).isNotEqualTo(augmented.trainingLoss());
    }
}
