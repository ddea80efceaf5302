package io.sdclr.pipeline.run;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** Runs every wave on Flink's embedded mini-cluster through Beam's classic FlinkRunner. */
public final class FlinkLocalModule extends AbstractModule {
    @Provides
    BeamRunner runner(ExecutionSettings settings) {
        return new BeamRunner() {
            @Override
            public String name() {
                return "flink-local";
            }

            @Override
            public FlinkPipelineOptions options(String jobName, boolean exclusive) {
                FlinkPipelineOptions o = PipelineOptionsFactory.as(FlinkPipelineOptions.class);
                o.setRunner(FlinkRunner.class);
                o.setJobName(jobName);
                // Steps never mutate their input elements, so Flink's defensive copies between operators are waste.
                o.setFasterCopy(true);
                o.setFlinkMaster("[local]");
                // An exclusive step runs alone; a training loop is one DoFn, so the other slots simply stay idle.
                o.setParallelism(settings.parallelismOr(2));
                return o;
            }
        };
    }
}
