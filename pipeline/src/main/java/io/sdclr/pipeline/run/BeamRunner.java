package io.sdclr.pipeline.run;

import org.apache.beam.sdk.options.PipelineOptions;

/** How Beam pipelines are executed: bound by one of the runner modules ({@link RunnerModules}). */
public interface BeamRunner {
    /** Name as given to {@code --runner}. */
    String name();

    /**
     * Options for one pipeline (one wave of steps).
     *
     * @param exclusive the wave is one exclusive step (a training loop, batch inference): a runner whose own
     *     threads would compete with it for the cores runs it with parallelism 1
     */
    PipelineOptions options(String jobName, boolean exclusive);

    /**
     * How many exclusive steps may run at once, each in its own pipeline: 1 where they would share this machine's
     * cores (Direct, Flink's embedded cluster); on a session cluster, its TaskManagers times the trainings each takes.
     */
    default int exclusiveCapacity() {
        return 1;
    }

    /**
     * Cancels this runner's jobs whose names start with {@code jobNamePrefix} that are still running elsewhere: on a
     * session cluster, the jobs of a client that is being stopped (Ctrl-C, {@code kill}), which would otherwise go
     * on training for nobody. Nothing where jobs run inside this process.
     */
    default void cancelRunning(String jobNamePrefix) {}
}
