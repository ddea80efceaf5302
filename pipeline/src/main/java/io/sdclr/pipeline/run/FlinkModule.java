package io.sdclr.pipeline.run;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Runs every wave through Beam's classic FlinkRunner: on Flink's embedded mini-cluster ({@link #embedded()}) or
 * submitted to a running session cluster at {@code HOST:PORT}, its REST endpoint ({@link #cluster}). For a
 * cluster, the store must be on a file system the task managers see at the same path.
 */
public final class FlinkModule extends AbstractModule {
    private final String name;
    private final String master;

    private FlinkModule(String name, String master) {
        this.name = name;
        this.master = master;
    }

    /** Flink's embedded mini-cluster, started in this JVM for each wave. */
    public static FlinkModule embedded() {
        return new FlinkModule("flink-local", "[local]");
    }

    /** A running Flink session cluster. */
    public static FlinkModule cluster(String hostPort) {
        return new FlinkModule(hostPort, hostPort);
    }

    @Provides
    BeamRunner runner(ExecutionSettings settings) {
        String n = name;
        String m = master;
        return new BeamRunner() {
            @Override
            public String name() {
                return n;
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
