package io.sdclr.steps.internal.train;

import static com.google.common.truth.Truth.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.sdclr.steps.internal.model.DualBranchResNet;
import io.sdclr.steps.internal.model.PruneMask;
import io.sdclr.steps.internal.model.Specs;
import io.sdclr.steps.internal.model.Torch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins pretraining to the official code where an audit found it had drifted: the learning rate is not scaled by
 * the batch, the last partial batch is kept, SimCLR's BatchNorm sees both views as one batch, and the SDCLR mask's
 * per-epoch kept fraction and threshold are reported (and survive a resume).
 */
class OfficialProtocolTest {
    @TempDir Path tmp;

    @Test
    void learningRateIsTheConfiguredOneAtAnyBatchSize() {
        for (int batch : new int[] {256, 512}) {
            PretrainConfig cfg = new PretrainConfig(Specs.tiny("sdclr"), 10, batch, 0.5, 0.2, 0.9, 0, 1e-4, 1L, 0);
            LrSchedule s = PretrainLoop.schedule(cfg, PretrainLoop.Batches.of(11_165, batch));
            // Without warm-up the first iteration is at the peak (up to the first cosine step): 0.5, not 0.5 * b / 512.
            assertThat(s.peak()).isEqualTo(0.5);
            assertThat(s.at(0)).isWithin(1e-4).of(0.5);
        }
        // Warm-up and the cosine count every batch, the partial one included: 44 per epoch at 11,165 / 256.
        PretrainConfig cfg = new PretrainConfig(Specs.tiny("simclr"), 10, 256, 0.25, 0.2, 0.9, 2, 1e-4, 1L, 0);
        LrSchedule s = PretrainLoop.schedule(cfg, PretrainLoop.Batches.of(11_165, 256));
        assertThat(s.warmupSteps()).isEqualTo(2 * 44);
        assertThat(s.totalSteps()).isEqualTo(10 * 44);
        assertThat(s.at(43)).isWithin(1e-12).of(0.25 * 44 / 88);
    }

    @Test
    void lastPartialBatchIsKeptUnlessItIsASingleImage() {
        // CIFAR-10-LT's D_i: 43 full batches of 256 and one of 157 (the official DataLoader, drop_last false).
        assertThat(PretrainLoop.Batches.of(11_165, 256)).isEqualTo(new PretrainLoop.Batches(256, 44, 157));
        assertThat(PretrainLoop.Batches.of(11_165, 256).perEpochImages()).isEqualTo(11_165);
        assertThat(PretrainLoop.Batches.of(512, 256)).isEqualTo(new PretrainLoop.Batches(256, 2, 256));
        assertThat(PretrainLoop.Batches.of(258, 256)).isEqualTo(new PretrainLoop.Batches(256, 2, 2));
        // A lone last image cannot train BatchNorm (PyTorch raises on it): dropped.
        assertThat(PretrainLoop.Batches.of(257, 256)).isEqualTo(new PretrainLoop.Batches(256, 1, 256));
        // Fewer images than a batch: one batch of everything.
        assertThat(PretrainLoop.Batches.of(100, 256)).isEqualTo(new PretrainLoop.Batches(100, 1, 100));
    }

    @Test
    void everyImageIsTrainedOnEveryEpoch() {
        for (String method : List.of("sdclr", "simclr")) {
            PretrainConfig cfg = new PretrainConfig(Specs.tiny(method), 2, 32, 0.25, 0.5, 0.5, 0, 1e-4, 3L, 0);
            PretrainOutcome out = PretrainLoop.run(cfg, PretrainLoopTest.images(70), PretrainLoopTest.ids(70), null,
                    tmp.resolve(method + ".params"), Device.cpu(), s -> {});
            assertThat(out.imagesTrained()).isEqualTo(2 * 70);
            assertThat(out.lossPerEpoch()).hasLength(2);
        }
    }

    /**
     * SimCLR forwards both views as one batch of 2N images: after one step, the stem BN's running mean is
     * 0.1 x the per-channel mean of the stem conv over all 2N images — not two updates, one per view (which
     * would give 0.09 x mean(view 1) + 0.1 x mean(view 2)).
     */
    @Test
    void simclrBatchNormStatisticsCoverBothViewsAsOneBatch() {
        DualBranchResNet.loadEngine();
        int n = 4;
        Shape shape = new Shape(n, 1, 8, 8);
        try (DualBranchResNet net = DualBranchResNet.create(Specs.tiny("simclr"), Device.cpu(), 7L);
                MomentumSgd sgd = new MomentumSgd(net.parameters(), net.manager(), 0.9, 0);
                NtXent ntXent = new NtXent(net.manager());
                NDManager m = net.manager().newSubManager()) {
            float[] one = new float[Math.toIntExact(shape.size())];
            float[] two = new float[one.length];
            Random r = new Random(5);
            for (int i = 0; i < one.length; i++) {
                one[i] = r.nextFloat() * 0.5f; // view 1 darker than view 2: the two means differ
                two[i] = 0.5f + r.nextFloat() * 0.5f;
            }
            ViewMaker.Batch views = ViewMaker.Batch.of(net.spec(), one, two);
            float[] m1 = stemConvMean(net, m, one, shape);
            float[] m2 = stemConvMean(net, m, two, shape);
            float[] before = net.buffers().get("stem.bn.set0.runningMean").toFloatArray();
            assertThat(before[0]).isEqualTo(0f);

            PretrainLoop.step(net, sgd, ntXent, views, 0.5, 0.1, null);

            float[] after = net.buffers().get("stem.bn.set0.runningMean").toFloatArray();
            for (int c = 0; c < after.length; c++) {
                assertThat((double) after[c]).isWithin(1e-5).of(0.1 * (m1[c] + m2[c]) / 2);
            }
            assertThat(Math.abs(0.09 * m1[0] + 0.1 * m2[0] - 0.1 * (m1[0] + m2[0]) / 2)).isGreaterThan(1e-3);
        }
    }

    /** Per-channel mean of the stem conv (no BN) of the model-normalised images, with the current weights. */
    private static float[] stemConvMean(DualBranchResNet net, NDManager m, float[] x01, Shape shape) {
        boolean prev = Torch.gradMode();
        Torch.setGradMode(false);
        try {
            NDArray x = m.create(x01, shape).sub(0.5).div(0.25); // Specs.tiny: mean 0.5, std 0.25
            NDArray y = Torch.conv2d(x, net.parameters().get("stem.conv.weight"), 1, 1);
            long c = y.getShape().get(1);
            return y.transpose(1, 0, 2, 3).reshape(c, -1).mean(new int[] {1}).toFloatArray();
        } finally {
            Torch.setGradMode(prev);
        }
    }

    /**
     * Issue 11, item 7: a checkpoint with a changed byte (in a tensor's values or in a tensor's name) is never
     * resumed from: the run says why in one line, starts over and ends with the uninterrupted run's parameters.
     */
    @Test
    void damagedCheckpointIsIgnoredAndTrainingStartsOver() throws Exception {
        PretrainConfig cfg = new PretrainConfig(Specs.tiny("sdclr"), 2, 32, 0.25, 0.5, 0.5, 0, 1e-4, 3L, 1);
        List<byte[]> images = PretrainLoopTest.images(64);
        long[] ids = PretrainLoopTest.ids(64);
        PretrainOutcome whole = PretrainLoop.run(cfg, images, ids, tmp.resolve("w"), tmp.resolve("w.params"),
                Device.cpu(), s -> {});
        for (String where : List.of("values", "name")) {
            Path ckpt = tmp.resolve("k-" + where);
            PretrainLoop.run(cfg, images, ids, ckpt, tmp.resolve(where + ".params"), Device.cpu(), 1, s -> {}, 1);
            Path file = ckpt.resolve("checkpoint-epoch-1.bin");
            assertThat(Checkpoint.verify(file)).isNull();
            byte[] bytes = java.nio.file.Files.readAllBytes(file);
            // The first tensor's name follows the header; the middle of the file is inside a tensor's values.
            int at = where.equals("name") ? indexOf(bytes, "stem.conv".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    : bytes.length / 2;
            assertThat(at).isGreaterThan(0);
            bytes[at] ^= 0x10;
            java.nio.file.Files.write(file, bytes);
            assertThat(Checkpoint.verify(file)).contains("does not match");
            List<String> lines = new ArrayList<>();
            PretrainOutcome resumed = PretrainLoop.run(cfg, images, ids, ckpt, tmp.resolve(where + ".params"),
                    Device.cpu(), lines::add);
            assertThat(lines).contains("ignoring checkpoint " + file
                    + ": damaged: its SHA-256 does not match its content (a changed byte); training starts over");
            assertThat(lines).doesNotContain("resumed from checkpoint at epoch 1");
            assertThat(resumed.paramsSha256()).isEqualTo(whole.paramsSha256());
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void sdclrReportsTheMaskOfEveryEpochAndSimclrNone() {
        PretrainConfig sd = new PretrainConfig(Specs.tiny("sdclr"), 2, 32, 0.25, 0.5, 0.9, 0, 1e-4, 3L, 1);
        List<String> lines = new ArrayList<>();
        PretrainOutcome whole = PretrainLoop.run(sd, PretrainLoopTest.images(64), PretrainLoopTest.ids(64),
                tmp.resolve("a"), tmp.resolve("a.params"), Device.cpu(), lines::add);
        assertThat(whole.maskKeptPerEpoch()).hasLength(2);
        assertThat(whole.maskThresholdPerEpoch()).hasLength(2);
        try (DualBranchResNet net = DualBranchResNet.create(sd.encoder(), Device.cpu(), sd.seed())) {
            PruneMask initial = PruneMask.global(net, 0.9);
            assertThat(whole.maskThresholdPerEpoch()[0]).isEqualTo(initial.threshold());
            assertThat(whole.maskKeptPerEpoch()[0]).isEqualTo((double) initial.kept() / initial.total());
        }
        assertThat(whole.maskKeptPerEpoch()[1]).isWithin(0.001).of(0.1);

        // A resumed run reports the epochs before the checkpoint too.
        PretrainLoop.run(sd, PretrainLoopTest.images(64), PretrainLoopTest.ids(64), tmp.resolve("b"),
                tmp.resolve("b.params"), Device.cpu(), 1, s -> {}, 1);
        PretrainOutcome resumed = PretrainLoop.run(sd, PretrainLoopTest.images(64), PretrainLoopTest.ids(64),
                tmp.resolve("b"), tmp.resolve("b.params"), Device.cpu(), s -> {});
        assertThat(resumed.maskKeptPerEpoch()).isEqualTo(whole.maskKeptPerEpoch());
        assertThat(resumed.maskThresholdPerEpoch()).isEqualTo(whole.maskThresholdPerEpoch());
        assertThat(resumed.paramsSha256()).isEqualTo(whole.paramsSha256());

        PretrainConfig sim = new PretrainConfig(Specs.tiny("simclr"), 1, 32, 0.25, 0.5, 0.9, 0, 1e-4, 3L, 0);
        PretrainOutcome s = PretrainLoop.run(sim, PretrainLoopTest.images(64), PretrainLoopTest.ids(64), null,
                tmp.resolve("s.params"), Device.cpu(), x -> {});
        assertThat(s.maskKeptPerEpoch()).isEmpty();
        assertThat(s.maskThresholdPerEpoch()).isEmpty();
    }
}
