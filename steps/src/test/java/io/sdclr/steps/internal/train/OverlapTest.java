package io.sdclr.steps.internal.train;

import static com.google.common.truth.Truth.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.sdclr.steps.internal.model.DualBranchResNet;
import io.sdclr.steps.internal.model.EncoderSpec;
import io.sdclr.steps.internal.model.Specs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Making views ahead of the step (on 0, 1 or several threads) and keeping the loss on the device change when
 * work happens, never the result.
 */
class OverlapTest {
    @TempDir Path tmp;

    /** The views of a whole epoch, batch by batch, as {@code ViewMaker} with {@code threads} makes them. */
    private static List<float[]> epochViews(int threads, int batch) {
        EncoderSpec spec = Specs.tiny("sdclr");
        List<byte[]> images = PretrainLoopTest.images(45);
        long[] ids = PretrainLoopTest.ids(45);
        int[] order = PretrainLoop.permutation(45, 9);
        List<float[]> out = new ArrayList<>();
        try (ViewMaker views = new ViewMaker(spec, images, ids, 3L, batch, threads);
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            int from = 0;
            views.request(2, order, 0, batch);
            while (from < 45) {
                ViewMaker.Batch b = views.take();
                int size = b.size();
                int next = from + size;
                if (next < 45) {
                    views.request(2, order, next, Math.min(batch, 45 - next));
                }
                NDArray x = b.tensor(m);
                assertThat(x.getShape()).isEqualTo(new Shape(2L * size, 1, 8, 8));
                out.add(x.toFloatArray());
                from = next;
            }
        }
        return out;
    }

    @Test
    void viewsAreTheSameWhateverTheThreadCount() {
        List<float[]> inline = epochViews(0, 16);
        assertThat(inline).hasSize(3); // 16 + 16 + 13
        assertThat(inline.get(2)).hasLength(2 * 13 * 64);
        for (int threads : new int[] {1, 3, 16}) {
            List<float[]> ahead = epochViews(threads, 16);
            assertThat(ahead).hasSize(inline.size());
            for (int i = 0; i < inline.size(); i++) {
                assertThat(ahead.get(i)).isEqualTo(inline.get(i));
            }
        }
        // The two views of an image differ (a mix-up of view 1 and 2 would make them equal).
        float[] first = inline.get(0);
        float[] v1 = java.util.Arrays.copyOfRange(first, 0, 64);
        float[] v2 = java.util.Arrays.copyOfRange(first, 16 * 64, 17 * 64);
        assertThat(v1).isNotEqualTo(v2);
    }

    @Test
    void trainingGivesTheSameParametersWithAndWithoutViewsMadeAhead() {
        PretrainConfig cfg = new PretrainConfig(Specs.tiny("sdclr"), 3, 16, 0.25, 0.5, 0.5, 0, 1e-4, 3L, 0);
        List<String> lines = new ArrayList<>();
        PretrainOutcome inline = PretrainLoop.run(cfg, PretrainLoopTest.images(45), PretrainLoopTest.ids(45), null,
                tmp.resolve("a.params"), Device.cpu(), 0, lines::add);
        PretrainOutcome ahead = PretrainLoop.run(cfg, PretrainLoopTest.images(45), PretrainLoopTest.ids(45), null,
                tmp.resolve("b.params"), Device.cpu(), 3, lines::add);
        assertThat(ahead.paramsSha256()).isEqualTo(inline.paramsSha256());
        assertThat(ahead.lossPerEpoch()).isEqualTo(inline.lossPerEpoch());
        assertThat(lines.stream().filter(l -> l.contains("waiting for augmented views")).count()).isEqualTo(3);
        assertThat(lines.stream().filter(l -> l.contains("(augmentation ")).count()).isEqualTo(3);
    }

    /** The GPU's way of reading the loss (summed on the device, read once per epoch), run on the CPU. */
    @Test
    void lossKeptOnTheDeviceGivesTheSameTrainingAndEpochLosses() {
        PretrainConfig cfg = new PretrainConfig(Specs.tiny("simclr"), 2, 16, 0.25, 0.5, 0.5, 0, 1e-4, 3L, 0);
        PretrainOutcome host = PretrainLoop.run(cfg, PretrainLoopTest.images(45), PretrainLoopTest.ids(45), null,
                tmp.resolve("h.params"), Device.cpu(), 1, s -> {}, Integer.MAX_VALUE, false);
        PretrainOutcome device = PretrainLoop.run(cfg, PretrainLoopTest.images(45), PretrainLoopTest.ids(45), null,
                tmp.resolve("d.params"), Device.cpu(), 1, s -> {}, Integer.MAX_VALUE, true);
        assertThat(device.paramsSha256()).isEqualTo(host.paramsSha256());
        for (int e = 0; e < 2; e++) {
            assertThat(device.lossPerEpoch()[e]).isWithin(1e-5f).of(host.lossPerEpoch()[e]);
            assertThat(device.lossPerEpoch()[e]).isGreaterThan(0f);
        }
    }

    @Test
    void aStepAddsItsLossTimesTheBatchSizeToTheDeviceSum() {
        EncoderSpec spec = Specs.tiny("sdclr");
        DualBranchResNet.loadEngine();
        float[] one = new float[4 * 64];
        float[] two = new float[4 * 64];
        java.util.Random r = new java.util.Random(2);
        for (int i = 0; i < one.length; i++) {
            one[i] = r.nextFloat();
            two[i] = r.nextFloat();
        }
        float[] losses = new float[2];
        double[] sums = new double[2];
        for (int run = 0; run < 2; run++) {
            try (DualBranchResNet net = DualBranchResNet.create(spec, Device.cpu(), 5L);
                    MomentumSgd sgd = new MomentumSgd(net.parameters(), net.manager(), 0.9, 0);
                    NtXent ntXent = new NtXent(net.manager());
                    NDManager m = net.manager().newSubManager()) {
                net.rebuildMask(0.5);
                NDArray sum = m.zeros(new Shape(), DataType.FLOAT64);
                float returned = PretrainLoop.step(net, sgd, ntXent, ViewMaker.Batch.of(spec, one, two), 0.5, 0.1,
                        run == 0 ? null : sum);
                losses[run] = returned;
                sums[run] = sum.getDouble();
            }
        }
        assertThat(Float.isNaN(losses[1])).isTrue(); // nothing read back
        assertThat(sums[0]).isEqualTo(0.0);
        assertThat(sums[1]).isWithin(1e-5).of(4.0 * losses[0]);
    }
}
