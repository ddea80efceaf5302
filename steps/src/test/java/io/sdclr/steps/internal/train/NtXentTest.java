package io.sdclr.steps.internal.train;

import static com.google.common.truth.Truth.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.sdclr.steps.internal.model.DualBranchResNet;
import org.junit.jupiter.api.Test;

class NtXentTest {

    @Test
    void matchesHandComputedValueOnTwoImages() {
        DualBranchResNet.loadEngine();
        try (NDManager m = NDManager.newBaseManager()) {
            // Unnormalised on purpose (the loss L2-normalises): directions (1,0),(0,1) and (1,0),(0.6,0.8).
            NDArray z1 = m.create(new float[] {2, 0, 0, 3}, new Shape(2, 2));
            NDArray z2 = m.create(new float[] {5, 0, 0.3f, 0.4f}, new Shape(2, 2));
            float loss = NtXent.loss(z1, z2, 0.5).getFloat();
            // Similarities / t: a.c = 2 (positive), a.b = 0, a.d = 1.2, b.d = 1.6 (positive), b.c = 0, c.d = 1.2.
            double la = -Math.log(Math.exp(2) / (Math.exp(2) + 1 + Math.exp(1.2)));
            double lb = -Math.log(Math.exp(1.6) / (Math.exp(1.6) + 2));
            double ld = -Math.log(Math.exp(1.6) / (Math.exp(1.6) + 2 * Math.exp(1.2)));
            double expected = (2 * la + lb + ld) / 4;
            assertThat(expected).isWithin(1e-5).of(0.527584);
            assertThat((double) loss).isWithin(1e-5).of(expected);
        }
    }
}
