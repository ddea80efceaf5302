package io.sdclr.pipeline.run;

/**
 * Settings that change how a run executes but never what it computes; none of them enters a cache key.
 *
 * @param device {@code auto}, {@code cpu} or {@code gpu}
 * @param parallelism runner parallelism (Flink slots, DirectRunner threads); 0 = the runner's default
 */
public record ExecutionSettings(String device, int parallelism) {
    /** The parallelism asked for, or the runner's default when none was (0). */
    public int parallelismOr(int runnerDefault) {
        return parallelism > 0 ? parallelism : runnerDefault;
    }
}
