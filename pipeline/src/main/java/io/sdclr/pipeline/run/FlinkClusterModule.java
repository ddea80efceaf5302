package io.sdclr.pipeline.run;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Submits every wave to a running Flink session cluster at {@code HOST:PORT} (its REST endpoint). The store must
 * be on a file system the task managers see at the same path.
 */
public final class FlinkClusterModule extends AbstractModule {
    private final String master;

    public FlinkClusterModule(String master) {
        this.master = master;
    }

    @Provides
    BeamRunner runner(ExecutionSettings settings) {
        String m = master;
        return new BeamRunner() {
            @Override
            public String name() {
                return m;
            }

            @Override
            public FlinkPipelineOptions options(String jobName, boolean exclusive) {
                FlinkPipelineOptions o = PipelineOptionsFactory.as(FlinkPipelineOptions.class);
                o.setRunner(FlinkRunner.class);
                o.setJobName(jobName);
                // Steps never mutate their input elements, so Flink's defensive copies between operators are waste.
                o.setFasterCopy(true);
                o.setFlinkMaster(m);
                // An exclusive step runs alone; a training loop is one DoFn, so the other slots simply stay idle.
                o.setParallelism(settings.parallelismOr(2));
                return o;
            }
        };
    }
}
