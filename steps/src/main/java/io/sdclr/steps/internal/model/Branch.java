package io.sdclr.steps.internal.model;

/**
 * Which network a forward pass runs: the dense one (BN set 0) or its pruned copy (conv weights times the mask,
 * BN set 1). SDCLR, models/resnet_prune_multibn.py: {@code set_prune_flag} plus {@code bn_idx}.
 */
public enum Branch {
    DENSE(0),
    PRUNED(1);

    private final int bnSet;

    Branch(int bnSet) {
        this.bnSet = bnSet;
    }

    /** Index of the BatchNorm set this branch uses. */
    public int bnSet() {
        return bnSet;
    }
}
