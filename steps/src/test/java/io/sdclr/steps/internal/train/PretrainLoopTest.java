package io.sdclr.steps.internal.train;

import io.sdclr.steps.internal.train.PretrainOutcome;
import io.sdclr.steps.internal.train.PretrainLoop;
import io.sdclr.steps.internal.train.PretrainConfig;
import io.sdclr.steps.internal.train.MomentumSgd;
import io.sdclr.steps.internal.train.Checkpoint;
import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.Workflow;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.Method;
import io.sdclr.steps.internal.model.FrozenEncoder;
import ai.djl.ndarray.NDArray;
import io.sdclr.steps.internal.model.DualBranchResNet;
import io.sdclr.steps.internal.model.EncoderSpec;
import io.sdclr.steps.internal.model.PruneMask;
import java.util.LinkedHashMap;
import java.util.Map;
import io.sdclr.steps.internal.model.ParamsFile;
import io.sdclr.steps.internal.model.Specs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainLoopTest {
    @TempDir Path tmp;

    /** n synthetic 1x8x8 images of 4 kinds of patterns plus noise; ids are 100 + index. */
    static List<byte[]> images(int n) {
        Random r = new Random(1);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[64];
            int kind = i % 4;
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    int v = switch (kind) {
                        case 0 -> x * 30;
                        case 1 -> y * 30;
                        case 2 -> ((x + y) % 2) * 220;
                        default -> (x > 3 ? 200 : 20);
                    };
                    b[y * 8 + x] = (byte) Math.min(255, v + r.nextInt(30));
                }
            }
            out.add(b);
        }
        return out;
    }

    static long[] ids(int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 100 + i;
        }
        return ids;
    }

    static PretrainConfig config(String method, int epochs, int checkpointEvery) {
        // lr 0.25: the effective value of the former "4.0 at batch 512, scaled by 32/512".
        return new PretrainConfig(Specs.tiny(method), epochs, 32, 0.25, 0.5, 0.5, 0, 1e-4, 3L, checkpointEvery);
    }

    @Test
    void lossDecreasesForBothMethods() {
        for (String method : List.of("sdclr", "simclr")) {
            List<String> lines = new ArrayList<>();
            PretrainOutcome out = PretrainLoop.run(config(method, 4, 0), images(64), ids(64), tmp.resolve(method),
                    tmp.resolve(method + ".params"), Device.cpu(), lines::add);
            float[] loss = out.lossPerEpoch();
            assertThat(loss).hasLength(4);
            assertThat(loss[3]).isLessThan(loss[0]);
            assertThat(out.paramsSha256()).isEqualTo(ParamsFile.sha256(tmp.resolve(method + ".params")));
            assertThat(out.imagesPerSecond()).isGreaterThan(0.0);
            assertThat(lines.get(0)).startsWith("pretraining " + method + " on CPU with");
            assertThat(lines.get(lines.size() - 1)).matches("epoch 4/4 done loss \\d+\\.\\d{4} \\(mean\\) \\d+ img/s, "
                    + "\\d+\\.\\d s \\(waiting for augmented views \\d+\\.\\d% of the epoch\\)");
            assertThat(out.imagesTrained()).isEqualTo(4 * 64);
            assertThat(out.augmentFraction()).isIn(com.google.common.collect.Range.open(0.0, 1.0));
        }
    }

    @Test
    void resumedRunEndsWithTheSameParamsAsAnUninterruptedOne() {
        PretrainConfig cfg = config("sdclr", 2, 1);
        List<byte[]> images = images(64);
        PretrainOutcome whole = PretrainLoop.run(cfg, images, ids(64), tmp.resolve("a"), tmp.resolve("a.params"),
                Device.cpu(), s -> {});

        Path ckpt = tmp.resolve("b");
        assertThat(PretrainLoop.run(cfg, images, ids(64), ckpt, tmp.resolve("b.params"), Device.cpu(), 1, s -> {}, 1))
                .isNull();
        assertThat(Files.exists(ckpt.resolve("checkpoint-epoch-1.bin"))).isTrue();
        List<String> lines = new ArrayList<>();
        PretrainOutcome resumed = PretrainLoop.run(cfg, images, ids(64), ckpt, tmp.resolve("b.params"),
                Device.cpu(), lines::add);

        assertThat(lines).contains("resumed from checkpoint at epoch 1");
        assertThat(resumed.paramsSha256()).isEqualTo(whole.paramsSha256());
        assertThat(resumed.lossPerEpoch()).isEqualTo(whole.lossPerEpoch());
        // Only the newest checkpoint is kept.
        assertThat(Files.exists(ckpt.resolve("checkpoint-epoch-1.bin"))).isFalse();
        assertThat(Files.exists(ckpt.resolve("checkpoint-epoch-2.bin"))).isTrue();
    }

    @Test
    void maskIsRebuiltFromTheCurrentDenseWeightsAtTheStartOfEveryEpoch() throws Exception {
        PretrainConfig cfg = config("sdclr", 2, 1);
        List<byte[]> images = images(64);
        Path ckpt = tmp.resolve("m");
        List<String> first = new ArrayList<>();
        PretrainLoop.run(cfg, images, ids(64), ckpt, tmp.resolve("m.params"), Device.cpu(), 1, first::add, 1);
        Path epoch1 = Files.copy(ckpt.resolve("checkpoint-epoch-1.bin"), tmp.resolve("epoch1.bin"));
        List<String> second = new ArrayList<>();
        PretrainLoop.run(cfg, images, ids(64), ckpt, tmp.resolve("m.params"), Device.cpu(), second::add);

        DualBranchResNet.loadEngine();
        try (DualBranchResNet net = DualBranchResNet.create(cfg.encoder(), Device.cpu(), cfg.seed());
                MomentumSgd sgd = new MomentumSgd(net.parameters(), net.manager(), 0.9, 1e-4)) {
            // Epoch 1: the mask of the random initial weights.
            PruneMask initial = PruneMask.global(net, cfg.prune());
            assertThat(maskLine(first, 1)).isEqualTo(describe(initial));
            // Epoch 2: the mask of the weights at the end of epoch 1 (from scratch, not cumulative).
            Map<String, NDArray> state = new LinkedHashMap<>(net.parameters());
            state.putAll(net.buffers());
            PretrainConfig key = new PretrainConfig(cfg.encoder(), cfg.epochs(), cfg.batch(), cfg.lr(),
                    cfg.temperature(), cfg.prune(), cfg.warmupEpochs(), cfg.weightDecay(), cfg.seed(), 0);
            Checkpoint.Restored r = Checkpoint.read(epoch1,
                    PretrainLoop.fingerprint(key, images, ids(64)), state, sgd.state());
            assertThat(r.problem()).isNull();
            PruneMask afterEpoch1 = PruneMask.global(net, cfg.prune());
            assertThat(maskLine(second, 2)).isEqualTo(describe(afterEpoch1));
            assertThat(afterEpoch1.threshold()).isNotEqualTo(initial.threshold());
            assertThat(afterEpoch1.kept()).isEqualTo(afterEpoch1.total() - (long) Math.ceil(0.5 * afterEpoch1.total()));
        }
    }

    private static String maskLine(List<String> lines, int epoch) {
        String prefix = "epoch " + epoch + "/2 mask rebuilt: ";
        return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()))
                .findFirst().orElseThrow(() -> new AssertionError("no mask line for epoch " + epoch + " in " + lines));
    }

    private static String describe(PruneMask m) {
        return String.format(java.util.Locale.ROOT, "kept %d of %d conv weights (%.1f%%), |w| >= %.6g", m.kept(),
                m.total(), 100.0 * m.kept() / m.total(), m.threshold());
    }

    @Test
    void checkpointOfAnotherConfigIsNotResumed() {
        List<byte[]> images = images(64);
        Path ckpt = tmp.resolve("c");
        PretrainLoop.run(config("simclr", 2, 1), images, ids(64), ckpt, tmp.resolve("c.params"), Device.cpu(), 1,
                s -> {}, 1);
        List<String> lines = new ArrayList<>();
        PretrainConfig other = new PretrainConfig(Specs.tiny("simclr"), 1, 32, 4.0, 0.5, 0.5, 0, 1e-4, 4L, 0);
        PretrainLoop.run(other, images, ids(64), ckpt, tmp.resolve("c.params"), Device.cpu(), lines::add);
        assertThat(lines.stream().anyMatch(l -> l.startsWith("ignoring checkpoint"))).isTrue();
        assertThat(lines.stream().noneMatch(l -> l.startsWith("resumed"))).isTrue();
    }

    @Test
    void rejectsImagesOfTheWrongSize() {
        List<byte[]> images = images(4);
        images.set(2, new byte[10]);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> PretrainLoop.run(
                config("simclr", 1, 0), images, ids(4), null, tmp.resolve("x.params"), Device.cpu(), s -> {}));
        assertThat(e).hasMessageThat().contains("image 2 (id 102) has 10 bytes, expected 64");
    }

    @Test
    void unknownMethodIsBadInput() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new EncoderSpec(
                "byol", "resnet18", 0.25, 1, 8, List.of(0.5), List.of(0.25)));
        assertThat(e).hasMessageThat().contains("\"byol\"");
    }

    @Test
    void resnet50FlowsThroughPretrainingAndFeatureExtraction() {
        EncoderSpec spec = new EncoderSpec("sdclr", "resnet50", 0.25, 1, 8, List.of(0.5), List.of(0.25));
        PretrainConfig cfg = new PretrainConfig(spec, 1, 8, 0.5, 0.2, 0.3, 0, 1e-4, 3L, 0);
        Path params = tmp.resolve("r50.params");
        PretrainOutcome out = PretrainLoop.run(cfg, images(16), ids(16), tmp.resolve("r50"), params, Device.cpu(),
                s -> {});
        assertThat(out.lossPerEpoch()).hasLength(1);
        assertThat(Float.isFinite(out.lossPerEpoch()[0])).isTrue();
        try (FrozenEncoder enc = FrozenEncoder.load(params, spec, Device.cpu(), out.paramsSha256())) {
            assertThat(enc.featureDim()).isEqualTo(512);
            float[][] f = enc.embed(images(3));
            assertThat(f).hasLength(3);
            assertThat(f[0]).hasLength(512);
        }
    }
}
