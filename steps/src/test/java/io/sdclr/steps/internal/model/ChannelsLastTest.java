package io.sdclr.steps.internal.model;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Channels-last activations on CPU (the default) compute the same network as NCHW: same values to rounding, in
 * the forward pass and in every parameter's gradient.
 */
class ChannelsLastTest {
    private static final EncoderSpec SPEC = new EncoderSpec("sdclr", "resnet18", 0.25, 1, 16, List.of(0.5),
            List.of(0.25));

    @AfterEach
    void restoreDefault() {
        System.clearProperty(DualBranchResNet.CHANNELS_LAST_PROPERTY);
    }

    @Test
    void channelsLastKeepsShapeAndValues() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            float[] v = new float[2 * 3 * 4 * 5];
            for (int i = 0; i < v.length; i++) {
                v[i] = i * 0.5f - 7;
            }
            NDArray x = m.create(v, new Shape(2, 3, 4, 5));
            NDArray y = Torch.channelsLast(x);
            assertThat(y.getShape()).isEqualTo(new Shape(2, 3, 4, 5));
            assertThat(y.toFloatArray()).isEqualTo(v);
            // Element (n=1, c=2, h=3, w=4) is where NCHW puts it.
            assertThat(y.getFloat(1, 2, 3, 4)).isEqualTo(v[((1 * 3 + 2) * 4 + 3) * 5 + 4]);
        }
    }

    @Test
    void onlyOnCpuAndOnlyWhereEveryChannelCountIsAMultipleOf16() {
        EncoderSpec narrow = new EncoderSpec("sdclr", "resnet18", 0.0625, 3, 32, List.of(0.5, 0.5, 0.5),
                List.of(0.25, 0.25, 0.25));
        try (DualBranchResNet wide = DualBranchResNet.create(SPEC, Device.cpu(), 1L);
                DualBranchResNet thin = DualBranchResNet.create(narrow, Device.cpu(), 1L)) {
            assertThat(wide.usesChannelsLast(Device.cpu())).isTrue();
            assertThat(wide.usesChannelsLast(Device.gpu())).isFalse();
            // 4..32 channels: oneDNN runs capped at AVX2 there, whose NHWC kernels crashed the process.
            assertThat(thin.usesChannelsLast(Device.cpu())).isFalse();
            System.setProperty(DualBranchResNet.CHANNELS_LAST_PROPERTY, "false");
            assertThat(wide.usesChannelsLast(Device.cpu())).isFalse();
        }
    }

    @Test
    void forwardAndGradientsMatchNchwToRounding() {
        Map<String, float[]> nchw = run(false);
        Map<String, float[]> nhwc = run(true);
        assertThat(nhwc.keySet()).isEqualTo(nchw.keySet());
        assertThat(relativeDiff(nchw.get("features"), nhwc.get("features"))).isLessThan(1e-4);
        for (String k : nchw.keySet()) {
            // BN shifts and biases before a BN sum many cancelling terms: rounding shows most there.
            double tolerance = k.endsWith(".beta") || k.endsWith(".bias") ? 5e-2 : 1e-2;
            assertWithMessage(k).that(relativeDiff(nchw.get(k), nhwc.get(k))).isLessThan(tolerance);
        }
    }

    /**
     * Features of a fixed batch, then the gradients of a fixed linear function of the pruned branch's projection
     * (head.fc1's bias is left out: a BN follows it, so its gradient is zero up to rounding).
     */
    private static Map<String, float[]> run(boolean channelsLast) {
        System.setProperty(DualBranchResNet.CHANNELS_LAST_PROPERTY, Boolean.toString(channelsLast));
        Map<String, float[]> out = new LinkedHashMap<>();
        try (DualBranchResNet net = DualBranchResNet.create(SPEC, Device.cpu(), 11L)) {
            net.rebuildMask(0.5);
            Random r = new Random(2);
            float[] x = new float[8 * 16 * 16];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextFloat();
            }
            try (NDManager m = net.manager().newSubManager()) {
                Torch.setGradMode(true);
                try {
                    NDArray in = m.create(x, new Shape(8, 1, 16, 16));
                    NDArray f = net.features(in, Branch.PRUNED, true);
                    out.put("features", f.toFloatArray());
                    NDArray z = net.project(f, Branch.PRUNED, true);
                    // A fixed random weighting of z: sum(z^2) would give the last BN shift a zero gradient.
                    float[] w = new float[(int) z.size()];
                    for (int i = 0; i < w.length; i++) {
                        w[i] = r.nextFloat() - 0.3f;
                    }
                    NDArray loss = z.mul(m.create(w, z.getShape())).sum();
                    Torch.backward(loss, m.ones(loss.getShape()));
                } finally {
                    Torch.setGradMode(false);
                }
            }
            for (Map.Entry<String, NDArray> p : net.parameters().entrySet()) {
                if (!p.getKey().contains(".set0.") && !p.getKey().startsWith("head.fc1.bias")) {
                    try (NDArray g = p.getValue().getGradient()) {
                        out.put(p.getKey(), g.toFloatArray());
                    }
                }
            }
        }
        return out;
    }

    private static double relativeDiff(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (double) (a[i] - b[i]);
            den += a[i] * (double) a[i];
        }
        return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-12);
    }
}
