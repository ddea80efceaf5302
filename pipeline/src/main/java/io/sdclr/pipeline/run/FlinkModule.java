package io.sdclr.pipeline.run;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import io.sdclr.dsl.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        if (remote) {
            checkClusterRunsThisCode(master);
        }
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
                // Steps that gather two inputs (CoGroupByKey) read each input's values separately; past Beam's
                // in-memory cache (10,000 elements, e.g. fmnist-lt's 70,000 features) that iterates the grouped result
                // twice, which Flink's batch runner allows only with this flag.
                o.setReIterableGroupByKeyResult(true);
                o.setFlinkMaster(m);
                // A training loop is one DoFn: on a cluster an exclusive step takes one slot, so that other trainings
                // can run at once on the other TaskManagers; locally it runs alone and the other slots stay idle.
                o.setParallelism(exclusive && r ? 1 : settings.parallelismOr(2));
                if (r) {
                    // Ship no jars: the session cluster runs with sdclr and all of its dependencies on its own class
                    // path (infra/flink-cluster). Shipping them would upload ~280 MB per wave, and DJL loaded a second
                    // time in a job's class loader cannot load its native library again in the same JVM.
                    // Beam treats an empty list as "stage the whole class path", hence one empty jar.
                    o.setFilesToStage(List.of(EmptyJar.path()));
                }
                return o;
            }

            @Override
            public int exclusiveCapacity() {
                return r ? taskManagers(m) * Math.max(1, settings.trainingsPerTaskManager()) : 1;
            }

            @Override
            public void cancelRunning(String jobNamePrefix) {
                if (r) {
                    cancelJobs(m, jobNamePrefix);
                }
            }
        };
    }

    /**
     * Cancels the session cluster's running jobs whose names start with {@code prefix} (REST: {@code PATCH
     * /jobs/ID?mode=cancel}). Best effort, from a shutdown hook: a cluster that does not answer is left alone.
     */
    static void cancelJobs(String hostPort, String prefix) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            String body = client.send(HttpRequest.newBuilder(URI.create("http://" + hostPort + "/jobs/overview"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            for (com.fasterxml.jackson.databind.JsonNode job : new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(body).path("jobs")) {
                String name = job.path("name").asText();
                if (name.startsWith(prefix) && List.of("RUNNING", "CREATED", "INITIALIZING", "RESTARTING")
                        .contains(job.path("state").asText())) {
                    client.send(HttpRequest.newBuilder(URI.create("http://" + hostPort + "/jobs/"
                            + job.path("jid").asText() + "?mode=cancel")).timeout(Duration.ofSeconds(5))
                            .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(),
                            HttpResponse.BodyHandlers.discarding());
                    System.err.println("[sdclr] cancelled job " + name + " on " + hostPort);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: the jobs end on their own.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The number of TaskManagers registered with the session cluster at {@code hostPort} (its REST overview). */
    static int taskManagers(String hostPort) {
        String body = get(hostPort, "/overview");
        Matcher m = Pattern.compile("\"taskmanagers\"\\s*:\\s*(\\d+)").matcher(body);
        return m.find() ? Math.max(1, Integer.parseInt(m.group(1))) : 1;
    }

    /**
     * Jobs ship no code, so a session cluster computes with the code it was started with. Refuses a cluster whose
     * {@value CodeId#CONFIG_KEY} (written by {@code infra/flink-cluster}) differs from this client's: its results
     * would be cached under this code's keys.
     */
    static void checkClusterRunsThisCode(String hostPort) {
        String body = get(hostPort, "/jobmanager/config");
        String mine = CodeId.current();
        Matcher entry = Pattern.compile("\\{[^{}]*\"key\"\\s*:\\s*\"" + Pattern.quote(CodeId.CONFIG_KEY) + "\"[^{}]*}")
                .matcher(body);
        Matcher value = entry.find()
                ? Pattern.compile("\"value\"\\s*:\\s*\"([^\"]*)\"").matcher(entry.group())
                : null;
        if (value == null || !value.find()) {
            throw new InvalidInputException("--runner %s: the cluster does not say which sdclr code it runs (no %s in "
                    + "its configuration), so its results could not be cached safely; start it with infra/flink-cluster, "
                    + "or add \"%s: %s\" to its flink-conf.yaml if it runs exactly this build", hostPort,
                    CodeId.CONFIG_KEY, CodeId.CONFIG_KEY, mine);
        }
        if (!value.group(1).equals(mine)) {
            throw new InvalidInputException("--runner %s: the cluster runs other sdclr code (code id %s) than this "
                    + "client (%s), probably started before the last build; its results would be cached under this "
                    + "code's keys. Restart it: infra/flink-cluster stop && infra/flink-cluster start --port %s",
                    hostPort, value.group(1), mine, hostPort.substring(hostPort.lastIndexOf(':') + 1));
        }
    }

    /** GET {@code path} of the cluster's REST API; an input error naming the cluster when it does not answer. */
    private static String get(String hostPort, String path) {
        String url = "http://" + hostPort + path;
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new InvalidInputException("--runner %s: %s answered HTTP %d; expected the REST endpoint of a "
                        + "Flink session cluster", hostPort, url, r.statusCode());
            }
            return r.body();
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidInputException(e, "--runner %s: cannot reach a Flink session cluster's REST API at %s "
                    + "(%s); start one with: infra/flink-cluster start --port PORT", hostPort, url, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while contacting " + url, e);
        }
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
