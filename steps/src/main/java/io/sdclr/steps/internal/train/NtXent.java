package io.sdclr.steps.internal.train;

import io.sdclr.steps.internal.model.Torch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * NT-Xent over 2N L2-normalised projections (SDCLR, utils.py {@code nt_xent}): for anchor i the positive is the
 * other view of the same image, the negatives are the other 2N - 2; loss = mean over all 2N anchors of
 * -log(exp(s_pos / t) / (exp(s_pos / t) + sum_neg exp(s_neg / t))). Computed as a log-softmax over each row with
 * the self-similarity removed, which is the same value without overflow.
 */
final class NtXent implements AutoCloseable {
    private final NDManager owner;
    private int n = -1;
    private NDArray self;
    private NDArray pos;

    /**
     * A loss whose two constant (2N, 2N) masks are made once per batch size on a child of {@code owner} and reused
     * every iteration (made per call, they were 2 MB of Java heap and 2 MB of direct buffers per iteration at
     * batch 256, freed only by the next GC, so resident memory grew through the first epochs).
     */
    NtXent(NDManager owner) {
        this.owner = owner.newSubManager();
    }

    /** One-off loss; its masks live on a child of the projections' manager and close with it. */
    static NDArray loss(NDArray z1, NDArray z2, double temperature) {
        return new NtXent(z1.getManager()).of(z1, z2, temperature);
    }

    /** Scalar loss of projections {@code z1} (view 1) and {@code z2} (view 2), both (N, D). */
    NDArray of(NDArray z1, NDArray z2, double temperature) {
        NDManager m = z1.getManager();
        int rows = Math.toIntExact(z1.getShape().get(0));
        masks(rows);
        NDArray z = Torch.normalize(z1.concat(z2, 0), 2, 1, 1e-12);
        // Scalars as arrays of this manager, never NDArray.div(Number): DJL wraps a Number in a temporary
        // array over a Java direct buffer and closes it right after the op, but autograd saves that operand for
        // backward, so after a GC the backward pass read freed memory (NaN and run-to-run differences, reproduced
        // with -Xmn8m). Arrays of this manager live until the iteration's manager closes, after backward; the
        // masks live in this object until it is closed, after the run.
        NDArray sim = z.matMul(z.transpose()).mul(m.create(1f / (float) temperature));
        NDArray logp = sim.sub(self).logSoftmax(1);
        return logp.mul(pos).sum().mul(m.create(-1f / (2f * rows)));
    }

    private void masks(int rows) {
        if (rows == n) {
            return;
        }
        if (self != null) {
            self.close();
            pos.close();
        }
        float[] selfValues = new float[4 * rows * rows];
        float[] posValues = new float[4 * rows * rows];
        for (int i = 0; i < 2 * rows; i++) {
            selfValues[i * 2 * rows + i] = 1e9f;
            posValues[i * 2 * rows + (i + rows) % (2 * rows)] = 1f;
        }
        Shape s = new Shape(2L * rows, 2L * rows);
        self = owner.create(selfValues, s);
        pos = owner.create(posValues, s);
        n = rows;
    }

    @Override
    public void close() {
        owner.close();
    }
}
