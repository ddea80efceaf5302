package io.sdclr.steps.internal.metrics;

/** Class-frequency group of a class in a split's long-tailed set D_i. */
public enum Group {
    MANY,
    MEDIUM,
    FEW
}
