package io.sdclr.pipeline.run;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** Runs every wave in-process on Beam's DirectRunner (the default). */
public final class DirectRunnerModule extends AbstractModule {
    @Provides
    BeamRunner runner(ExecutionSettings settings) {
        return new BeamRunner() {
            @Override
            public String name() {
                return "direct";
            }

            @Override
            public DirectOptions options(String jobName) {
                DirectOptions o = PipelineOptionsFactory.as(DirectOptions.class);
                o.setRunner(DirectRunner.class);
                o.setJobName(jobName);
                o.setTargetParallelism(Math.max(2, settings.parallelism()));
                o.setBlockOnRun(true);
                // Immutability/encodability checks re-encode every element: costly on image records, and the
                // steps' DoFns never mutate their inputs.
                o.setEnforceImmutability(false);
                o.setEnforceEncodability(false);
                return o;
            }
        };
    }
}
