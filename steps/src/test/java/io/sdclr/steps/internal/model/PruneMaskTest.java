package io.sdclr.steps.internal.model;

import static com.google.common.truth.Truth.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PruneMaskTest {

    @Test
    void keepsExactlyTheLargestMagnitudesGlobally() {
        // 100 distinct magnitudes 1..100 with random signs, spread over three "layers" of different sizes.
        List<Integer> mags = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            mags.add(i);
        }
        Collections.shuffle(mags, new Random(3));
        Random sign = new Random(4);
        float[][] w = {new float[10], new float[30], new float[60]};
        int at = 0;
        for (float[] layer : w) {
            for (int j = 0; j < layer.length; j++) {
                layer[j] = mags.get(at++) * (sign.nextBoolean() ? 1f : -1f);
            }
        }
        PruneMask mask = PruneMask.of(w, 0.3);
        assertThat(mask.kept()).isEqualTo(70);
        assertThat(mask.total()).isEqualTo(100);
        assertThat(mask.threshold()).isEqualTo(31f);
        for (int l = 0; l < w.length; l++) {
            for (int j = 0; j < w[l].length; j++) {
                assertThat(mask.values()[l][j]).isEqualTo(Math.abs(w[l][j]) > 30 ? 1f : 0f);
            }
        }
    }

    @Test
    void ratioZeroKeepsEverything() {
        PruneMask mask = PruneMask.of(new float[][] {{0.5f, -0.1f, 2f}}, 0.0);
        assertThat(mask.kept()).isEqualTo(3);
    }

    @Test
    void maskFollowsTheCurrentWeights() {
        EncoderSpec spec = Specs.tiny("sdclr");
        try (DualBranchResNet net = DualBranchResNet.create(spec, Device.cpu(), 1L)) {
            PruneMask before = PruneMask.global(net, 0.9);
            // The stem is small in number but after this change holds the largest weights of the network.
            NDArray stem = net.parameters().get("stem.conv.weight");
            float[] big = new float[(int) stem.size()];
            java.util.Arrays.fill(big, 100f);
            stem.set(big);
            PruneMask after = PruneMask.global(net, 0.9);
            int stemIndex = net.convWeightNames().indexOf("stem.conv.weight");
            assertThat(zeros(after.values()[stemIndex])).isEqualTo(0);
            assertThat(zeros(before.values()[stemIndex])).isGreaterThan(0);
            assertThat(after.kept()).isEqualTo(before.kept());
        }
    }

    /** The on-device rebuild used in training gives exactly the heap reference's masks, and leaks nothing. */
    @Test
    void onDeviceRebuildEqualsTheHeapReferenceAndLeavesNoArraysBehind() {
        try (DualBranchResNet net = DualBranchResNet.create(Specs.tiny("sdclr"), Device.cpu(), 3L)) {
            for (double p : new double[] {0.9, 0.3, 0.0}) {
                PruneMask expected = PruneMask.global(net, p);
                PruneMask.Summary got = net.rebuildMask(p);
                assertThat(got.threshold()).isEqualTo(expected.threshold());
                assertThat(got.kept()).isEqualTo(expected.kept());
                assertThat(got.total()).isEqualTo(expected.total());
                List<String> names = net.convWeightNames();
                for (int i = 0; i < names.size(); i++) {
                    assertThat(net.masks().get(names.get(i)).toFloatArray())
                            .isEqualTo(expected.values()[i]);
                }
            }
            int arrays = ((ai.djl.ndarray.BaseNDManager) net.manager()).getManagedArrays().size();
            net.rebuildMask(0.9);
            net.rebuildMask(0.9);
            assertThat(((ai.djl.ndarray.BaseNDManager) net.manager()).getManagedArrays().size()).isEqualTo(arrays);
        }
    }

    private static int zeros(float[] m) {
        int z = 0;
        for (float v : m) {
            if (v == 0f) {
                z++;
            }
        }
        return z;
    }
}
