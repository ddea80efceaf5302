package io.sdclr.steps.internal.model;

/**
 * Which network a forward pass runs: the dense one (BN set 0), its pruned copy (conv weights times the mask, BN set
 * 1), or the pruned weights with the dense BN set. SDCLR, models/resnet_prune_multibn.py: {@code set_prune_flag}
 * plus {@code bn_idx}.
 */
public enum Branch {
    DENSE(0, false),
    PRUNED(1, true),
    /**
     * Conv weights times the mask with BN set 0: a network pruned after training as Hooker et al. (2019) prune it,
     * the only pruned network a SimCLR encoder (one BN set) has. Never used in training.
     */
    PRUNED_DENSE_BN(0, true);

    private final int bnSet;
    private final boolean masked;

    Branch(int bnSet, boolean masked) {
        this.bnSet = bnSet;
        this.masked = masked;
    }

    /** Index of the BatchNorm set this branch uses. */
    public int bnSet() {
        return bnSet;
    }

    /** Whether this branch multiplies every conv weight by the prune mask. */
    public boolean masked() {
        return masked;
    }
}
