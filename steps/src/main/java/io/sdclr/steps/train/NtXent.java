package io.sdclr.steps.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * NT-Xent over 2N L2-normalised projections (SDCLR, utils.py {@code nt_xent}): for anchor i the positive is the
 * other view of the same image, the negatives are the other 2N - 2; loss = mean over all 2N anchors of
 * -log(exp(s_pos / t) / (exp(s_pos / t) + sum_neg exp(s_neg / t))). Computed as a log-softmax over each row with
 * the self-similarity removed, which is the same value without overflow.
 */
final class NtXent {
    private NtXent() {}

    /** Scalar loss of projections {@code z1} (view 1) and {@code z2} (view 2), both (N, D). */
    static NDArray loss(NDArray z1, NDArray z2, double temperature) {
        NDManager m = z1.getManager();
        int n = Math.toIntExact(z1.getShape().get(0));
        NDArray z = JniUtils.normalize((PtNDArray) z1.concat(z2, 0), 2, 1, 1e-12);
        // Scalars as arrays of this manager, never NDArray.div(Number): DJL wraps a Number in a temporary
        // array over a Java direct buffer and closes it right after the op, but autograd saves that operand for
        // backward, so after a GC the backward pass read freed memory (NaN and run-to-run differences, reproduced
        // with -Xmn8m). Arrays of this manager live until the iteration's manager closes, after backward.
        NDArray sim = z.matMul(z.transpose()).mul(m.create(1f / (float) temperature));
        float[] self = new float[4 * n * n];
        float[] pos = new float[4 * n * n];
        for (int i = 0; i < 2 * n; i++) {
            self[i * 2 * n + i] = 1e9f;
            pos[i * 2 * n + (i + n) % (2 * n)] = 1f;
        }
        Shape s = new Shape(2L * n, 2L * n);
        NDArray logp = sim.sub(m.create(self, s)).logSoftmax(1);
        return logp.mul(m.create(pos, s)).sum().mul(m.create(-1f / (2f * n)));
    }
}
