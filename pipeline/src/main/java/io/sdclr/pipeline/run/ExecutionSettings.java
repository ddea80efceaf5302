package io.sdclr.pipeline.run;

/**
 * Settings that change how a run executes but never what it computes; none of them enters a cache key.
 *
 * @param device {@code auto}, {@code cpu} or {@code gpu}
 * @param parallelism runner parallelism (Flink slots, DirectRunner threads)
 */
public record ExecutionSettings(String device, int parallelism) {}
