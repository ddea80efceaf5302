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
}
