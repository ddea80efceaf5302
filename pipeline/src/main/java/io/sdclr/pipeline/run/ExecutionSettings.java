package io.sdclr.pipeline.run;

/**
 * Settings that change how a run executes but never what it computes; none of them enters a cache key.
 *
 * @param device {@code auto}, {@code cpu} or {@code gpu}
 * @param parallelism runner parallelism (Flink slots, DirectRunner threads); 0 = the runner's default
 * @param trainingsPerTaskManager on a Flink session cluster, how many exclusive steps (trainings) run at once on
 *     each TaskManager (e.g. its GPU count); elsewhere exclusive steps run one at a time
 */
public record ExecutionSettings(String device, int parallelism, int trainingsPerTaskManager) {
    /** One training per TaskManager. */
    public ExecutionSettings(String device, int parallelism) {
        this(device, parallelism, 1);
    }

    /** The parallelism asked for, or the runner's default when none was (0). */
    public int parallelismOr(int runnerDefault) {
        return parallelism > 0 ? parallelism : runnerDefault;
    }
}
