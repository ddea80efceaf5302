package io.sdclr.steps.internal.metrics;

/**
 * Accuracy of one evaluation on one split, by class-frequency group (percent). A group with no classes (possible
 * only with {@link GroupMetrics#thresholds}) scores NaN, and so does {@code std} then.
 *
 * @param many mean per-class accuracy of the Many (head) group
 * @param medium mean per-class accuracy of the Medium group
 * @param few mean per-class accuracy of the Few (tail) group
 * @param std population standard deviation of [many, medium, few], the paper's balancedness measure
 * @param all mean per-class accuracy over all classes
 */
public record GroupScores(double many, double medium, double few, double std, double all) {}
