package io.sdclr.steps.train;

import static com.google.common.truth.Truth.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.types.Shape;
import io.sdclr.steps.model.DualBranchResNet;
import io.sdclr.steps.model.PruneMask;
import io.sdclr.steps.model.Specs;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StepMemoryTest {

    @Test
    void arraysOwnedByTheNetworkStayConstantAcrossStepsAndMaskRebuilds() {
        try (DualBranchResNet net = DualBranchResNet.create(Specs.tiny("sdclr"), Device.cpu(), 1L);
                MomentumSgd sgd = new MomentumSgd(net.parameters(), net.manager(), 0.9, 1e-4)) {
            Random r = new Random(0);
            float[] v1 = new float[4 * 64];
            float[] v2 = new float[4 * 64];
            for (int i = 0; i < v1.length; i++) {
                v1[i] = r.nextFloat();
                v2[i] = r.nextFloat();
            }
            int[] counts = new int[4];
            for (int s = 0; s < counts.length; s++) {
                net.setMask(PruneMask.global(net, 0.5).values()); // as at the start of an epoch
                PretrainLoop.step(net, sgd, v1, v2, new Shape(4, 1, 8, 8), 0.2, 0.01);
                counts[s] = ((BaseNDManager) net.manager()).getManagedArrays().size();
            }
            assertThat(counts[3]).isEqualTo(counts[1]);
            assertThat(counts[2]).isEqualTo(counts[1]);
        }
    }
}
