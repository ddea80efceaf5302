package io.sdclr.steps.internal.train;

import io.sdclr.steps.internal.model.Torch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SGD with momentum and weight decay with PyTorch's semantics ({@code torch.optim.SGD}, dampening 0,
 * no Nesterov): d = g + wd * w; buf = mu * buf + d; w -= lr * buf. DJL's {@code Sgd} keeps its momentum
 * privately and updates MXNet-style (lr folded into the buffer), which differs once lr changes per
 * iteration; this one keeps a buffer per parameter name so that a checkpoint can restore it exactly.
 */
final class MomentumSgd implements AutoCloseable {
    private final NDManager manager;
    private final LinkedHashMap<String, NDArray> buffers = new LinkedHashMap<>();
    /** The constant factors as 0-d arrays made once: {@code NDArray.mul(Number)} makes a direct buffer per call. */
    private final NDArray momentumScalar;
    private final NDArray decayScalar;

    MomentumSgd(Map<String, NDArray> params, NDManager parent, double momentum, double weightDecay) {
        this.manager = parent.newSubManager();
        this.momentumScalar = manager.create((float) momentum);
        this.decayScalar = manager.create((float) weightDecay);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            buffers.put("momentum." + e.getKey(), manager.zeros(e.getValue().getShape(), e.getValue().getDataType()));
        }
    }

    /** Momentum buffers by name ("momentum." + parameter name); live, for checkpointing. */
    Map<String, NDArray> state() {
        return buffers;
    }

    /**
     * Updates every parameter from its gradient and zeroes the gradient (PyTorch's collector never does).
     * Must run with grad mode off (in-place updates of leaves that require grad).
     */
    void step(Map<String, NDArray> params, double lr) {
        // One 0-d array per step for the learning rate; the same float32 values as mul(Number), so results are
        // bit-identical to the per-call scalars this replaced.
        try (NDArray lrScalar = manager.create((float) lr)) {
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray w = e.getValue();
                NDArray buf = buffers.get("momentum." + e.getKey());
                // getGradient() wraps .grad in a new array each call, owned by the parameter's manager: close it.
                try (NDArray g = w.getGradient()) {
                    // .grad is overwritten in place with d (it is zeroed right after), so no temporaries pile up.
                    try (NDArray decay = w.mul(decayScalar)) {
                        g.addi(decay);
                    }
                    buf.muli(momentumScalar).addi(g);
                    try (NDArray delta = buf.mul(lrScalar)) {
                        w.subi(delta);
                    }
                    Torch.zeroGrad(w);
                }
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
