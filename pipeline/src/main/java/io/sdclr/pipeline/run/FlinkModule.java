package io.sdclr.pipeline.run;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
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
    private final boolean remote;

    private FlinkModule(String name, String master, boolean remote) {
        this.name = name;
        this.master = master;
        this.remote = remote;
    }

    /** Flink's embedded mini-cluster, started in this JVM for each wave. */
    public static FlinkModule embedded() {
        return new FlinkModule("flink-local", "[local]", false);
    }

    /** A running Flink session cluster. */
    public static FlinkModule cluster(String hostPort) {
        return new FlinkModule(hostPort, hostPort, true);
    }

    @Provides
    BeamRunner runner(ExecutionSettings settings) {
        String n = name;
        String m = master;
        boolean r = remote;
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
                if (r) {
                    // Ship no jars: the session cluster runs with sdclr and all of its dependencies on its own class
                    // path (infra/flink-cluster). Shipping them would upload ~280 MB per wave, and DJL loaded a second
                    // time in a job's class loader cannot load its native library again in the same JVM.
                    // Beam treats an empty list as "stage the whole class path", hence one empty jar.
                    o.setFilesToStage(List.of(EmptyJar.path()));
                }
                return o;
            }
        };
    }

    /** An empty jar (a manifest only), written once per JVM. */
    private static final class EmptyJar {
        private static String path;

        static synchronized String path() {
            if (path == null) {
                try {
                    Path f = Files.createTempFile("sdclr-flink-job-", ".jar");
                    f.toFile().deleteOnExit();
                    Manifest mf = new Manifest();
                    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
                    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(f), mf)) {
                        out.flush();
                    }
                    path = f.toString();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write an empty job jar to the temporary directory", e);
                }
            }
            return path;
        }
    }
}
