package io.sdclr.examples;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smoke workflow on a real Flink 1.19 session cluster with its store on a real HDFS: {@code infra/flink-cluster}
 * starts a JobManager and two TaskManagers as separate JVMs on a free port, {@code infra/hdfs} a NameNode and a
 * DataNode, the real CLI submits every wave with {@code --runner localhost:PORT --store hdfs://localhost:NN/…}, and
 * the results must be byte-identical to a DirectRunner run on a local store; the two pretrainings of the split run at
 * once, one per TaskManager; the progress of the steps running in the TaskManagers reaches the client's stderr; and
 * a Direct run on the same HDFS store finds everything cached.
 */
@org.junit.jupiter.api.condition.DisabledIfSystemProperty(named = "sdclr.skipClusterTest", matches = "true",
        disabledReason = "-Dsdclr.skipClusterTest=true: the heaviest test (~5 min on 2 cores), skippable only where CI "
                + "time forces it")
class FlinkSessionClusterTest {
    private static final Pattern DONE =
            Pattern.compile("done: workflow=smoke run=(\\S+) ran=(\\d+) cached=(\\d+) out=(\\S+)");

    @TempDir static Path tmp;
    private static Path clusterDir;
    private static Path hdfsDir;
    private static Thread stopOnExit;

    @Test
    void smokeOnASessionClusterMatchesTheDirectRunner() throws Exception {
        int port = freePort();
        clusterDir = tmp.resolve("flink");
        stopOnExit = new Thread(FlinkSessionClusterTest::stopCluster);
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        // The cluster starts (two JVMs) while the reference run trains in this one.
        Process start = script("start", "--port", String.valueOf(port), "--taskmanagers", "2", "--slots", "2",
                "--dir", clusterDir.toString(), "--timeout", "120");
        int nameNodePort = freePort();
        hdfsDir = tmp.resolve("hdfs");
        Process hdfs = hdfs("start", "--port", String.valueOf(nameNodePort), "--http-port",
                String.valueOf(freePort()), "--dir", hdfsDir.toString(), "--timeout", "120");
        String store = "hdfs://localhost:" + nameNodePort + "/sdclr/store";

        Cli.Result direct = Cli.run("run", "smoke", "--store", tmp.resolve("direct-store").toString(), "--out",
                tmp.resolve("direct-out").toString(), "--device", "cpu");
        assertThat(direct.exitCode()).isEqualTo(0);

        assertThat(start.waitFor(150, TimeUnit.SECONDS)).isTrue();
        String startLog = Files.readString(clusterDir.resolve("start.out"));
        assertWithMessage("flink-cluster start:\n%s", startLog).that(start.exitValue()).isEqualTo(0);
        assertThat(hdfs.waitFor(150, TimeUnit.SECONDS)).isTrue();
        assertWithMessage("hdfs start:\n%s", Files.readString(hdfsDir.resolve("start.out")))
                .that(hdfs.exitValue()).isEqualTo(0);

        Cli.Result r = Cli.run("run", "smoke", "--store", store, "--out",
                tmp.resolve("cluster-out").toString(), "--device", "cpu", "--runner", "localhost:" + port);
        assertWithMessage("sdclr run on the cluster; TaskManager log:\n%s", tmLogTail()).that(r.exitCode()).isEqualTo(0);
        Matcher m = DONE.matcher(r.lastLine());
        assertThat(m.matches()).isTrue();
        assertThat(m.group(2)).isEqualTo("21");
        assertThat(m.group(3)).isEqualTo("0");
        String runId = m.group(1);
        assertThat(r.err()).contains("running on localhost:" + port);
        // The training steps ran in the TaskManagers' JVMs; their progress still reaches this client's stderr.
        SmokeEndToEndTest.assertPretrainProgressOnStderr(r.err());
        // Two TaskManagers: two pretrainings of the split ran at once (both started before either ended).
        assertThat(get("http://localhost:" + port + "/overview")).contains("\"taskmanagers\":2");
        List<String> lines = r.err().lines().toList();
        int firstEnd = indexOf(lines, "^\\[sdclr\\] pretrain-\\S+: ran in .*");
        List<String> startedBefore = lines.subList(0, firstEnd).stream()
                .filter(l -> l.matches("^\\[sdclr\\] pretrain-\\S+: running on localhost:" + port + " .*")).toList();
        assertWithMessage("pretrainings started before the first ended:\n%s", String.join("\n", startedBefore))
                .that(startedBefore).hasSize(2);

        // Every wave of this run was a job on the cluster, and each one finished.
        JsonNode jobs = new ObjectMapper().readTree(get("http://localhost:" + port + "/jobs/overview")).path("jobs");
        List<String> ours = new ArrayList<>();
        for (JsonNode j : jobs) {
            String name = j.path("name").asText();
            if (name.startsWith(("sdclr-smoke-" + runId).replaceAll("[^A-Za-z0-9-]", "-"))) {
                ours.add(name + " " + j.path("state").asText());
            }
        }
        assertThat(ours).isNotEmpty();
        assertWithMessage("jobs %s", ours).that(ours.stream().allMatch(s -> s.endsWith(" FINISHED"))).isTrue();

        assertThat(Files.readAllBytes(tmp.resolve("cluster-out/results.json")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("direct-out/results.json")));

        // The store is shared: a run elsewhere (here the Direct runner) finds every step of the cluster's run.
        Cli.Result again = Cli.run("run", "smoke", "--store", store, "--out", tmp.resolve("again-out").toString(),
                "--device", "cpu");
        assertThat(again.exitCode()).isEqualTo(0);
        Matcher a = DONE.matcher(again.lastLine());
        assertThat(a.matches()).isTrue();
        assertThat(a.group(2)).isEqualTo("0");
        assertThat(a.group(3)).isEqualTo("21");
        assertThat(Files.readAllBytes(tmp.resolve("again-out/results.json")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("direct-out/results.json")));
        loseATaskManagerWhilePretraining(port, store);
    }

    /**
     * A TaskManager killed (SIGKILL) while the split's two pretrainings run, one on each: the run fails with exit 1
     * naming the step that lost its TaskManager, the other pretraining is committed, the lost one is not, and the
     * same command on the TaskManager left resumes it from its last checkpoint on HDFS.
     *
     * <p>The kill waits until both pretrainings have written a checkpoint (on a fast machine one may start seconds
     * after the other) and then hits the TaskManager of the job started last, so that the step it stops has a
     * checkpoint to resume from and is still running.
     */
    private static void loseATaskManagerWhilePretraining(int port, String store) throws Exception {
        String[] args = {"run", "smoke", "--store", store, "--out", tmp.resolve("lost-out").toString(), "--device",
            "cpu", "--runner", "localhost:" + port, "--set", "pretrain.epochs=5", "--set",
            "pretrain.checkpointEvery=1"};
        java.util.concurrent.CompletableFuture<Cli.Result> running =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> Cli.run(args));
        Path work = Path.of(URI.create(store)).resolve("work");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        java.util.Set<Path> checkpointed = new java.util.HashSet<>();
        while (checkpointed.size() < 2 && !running.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            checkpointed.addAll(checkpointedWorkDirs(work));
        }
        assertWithMessage("both pretrainings wrote a checkpoint to %s before the run ended", work)
                .that(checkpointed).hasSize(2);
        String taskManager = taskManagerOfLatestRunningJob(port);
        long tm = Long.parseLong(Files.readString(clusterDir.resolve(taskManager + ".pid")).strip());
        ProcessHandle.of(tm).ifPresent(ProcessHandle::destroyForcibly);
        Cli.Result lost = running.get(5, TimeUnit.MINUTES);
        assertWithMessage("killed %s; stderr:\n%s", taskManager, lost.err()).that(lost.exitCode()).isEqualTo(1);
        Matcher failed = Pattern.compile("(?m)^error: step (pretrain-\\S+) failed: .*no longer reachable.*$")
                .matcher(lost.err());
        assertWithMessage("stderr:\n%s", lost.err()).that(failed.find()).isTrue();
        String step = failed.group(1);
        String other = step.equals("pretrain-sdclr-s0") ? "pretrain-simclr-s0" : "pretrain-sdclr-s0";
        assertThat(lost.err()).containsMatch("(?m)^\\[sdclr\\] " + other + ": ran in ");
        assertThat(lost.err()).doesNotContainMatch("(?m)^\\[sdclr\\] " + step + ": ran in ");

        Cli.Result resumed = Cli.run("run", "smoke", "--store", store, "--out", tmp.resolve("resumed-out").toString(),
                "--device", "cpu", "--runner", "localhost:" + port, "--set", "pretrain.epochs=5", "--to", step);
        assertWithMessage("re-run; TaskManager log:\n%s", tmLogTail()).that(resumed.exitCode()).isEqualTo(0);
        assertThat(resumed.err()).containsMatch("(?m)^\\[sdclr\\] " + step + ": resumed from checkpoint at epoch "
                + "[1-4]$");
        assertThat(resumed.err()).containsMatch("(?m)^\\[sdclr\\] " + step + ": ran in ");
    }

    /** The work folders (one per step's cache key) that hold a checkpoint now. */
    private static List<Path> checkpointedWorkDirs(Path work) {
        if (!Files.isDirectory(work)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> files = Files.walk(work)) {
            return files.filter(f -> f.getFileName().toString().matches("checkpoint-epoch-\\d+\\.bin"))
                    .map(Path::getParent).distinct().toList();
        } catch (java.io.UncheckedIOException | IOException raced) {
            return List.of(); // A checkpoint renamed or a directory removed while walking: look again.
        }
    }

    /** The resource id ({@code taskmanager-N}) of the TaskManager running the most recently started running job. */
    private static String taskManagerOfLatestRunningJob(int port) throws IOException, InterruptedException {
        ObjectMapper json = new ObjectMapper();
        String base = "http://localhost:" + port;
        JsonNode latest = null;
        for (JsonNode j : json.readTree(get(base + "/jobs/overview")).path("jobs")) {
            if (j.path("state").asText().equals("RUNNING") && j.path("name").asText().startsWith("sdclr-smoke-")
                    && (latest == null || j.path("start-time").asLong() > latest.path("start-time").asLong())) {
                latest = j;
            }
        }
        assertWithMessage("a running job of the run").that(latest).isNotNull();
        String jid = latest.path("jid").asText();
        for (JsonNode v : json.readTree(get(base + "/jobs/" + jid)).path("vertices")) {
            JsonNode tms = json.readTree(get(base + "/jobs/" + jid + "/vertices/" + v.path("id").asText()
                    + "/taskmanagers")).path("taskmanagers");
            for (JsonNode t : tms) {
                String id = t.path("taskmanager-id").asText();
                if (id.matches("taskmanager-\\d+")) {
                    return id;
                }
            }
        }
        throw new AssertionError("no TaskManager found for job " + latest);
    }

    @AfterAll
    static void stop() {
        stopCluster();
        if (stopOnExit != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    private static synchronized void stopCluster() {
        if (clusterDir != null && Files.isDirectory(clusterDir)) {
            stop("the Flink cluster in " + clusterDir, () -> script("stop", "--dir", clusterDir.toString()));
        }
        if (hdfsDir != null && Files.isDirectory(hdfsDir)) {
            stop("HDFS in " + hdfsDir, () -> hdfs("stop", "--dir", hdfsDir.toString()));
        }
    }

    private interface Stopper {
        Process start() throws IOException;
    }

    private static void stop(String what, Stopper stopper) {
        try {
            Process p = stopper.start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            System.err.println("could not stop " + what + ": " + e);
        }
    }

    /** Runs infra/hdfs with this JVM's class path, which holds Hadoop's server jars (the minicluster jar). */
    private static Process hdfs(String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(repoRoot().resolve("infra/hdfs").toString())));
        pb.command().addAll(List.of(args));
        pb.environment().put("SDCLR_HADOOP_CLASSPATH", testClassPath());
        Files.createDirectories(hdfsDir);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(hdfsDir.resolve(args[0] + ".out").toFile()));
        return pb.start();
    }

    /** Runs infra/flink-cluster with this JVM's class path (the build's own jars) and thread count. */
    private static Process script(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(repoRoot().resolve("infra/flink-cluster").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("SDCLR_CLASSPATH", testClassPath());
        pb.environment().put("SDCLR_THREADS", System.getProperty("ai.djl.pytorch.num_threads", "2"));
        Files.createDirectories(clusterDir);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(clusterDir.resolve(args[0] + ".out").toFile()));
        return pb.start();
    }

    private static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        // Only what exists: surefire may list folders that were never created (e.g. empty test resources).
        List<String> kept = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) {
            if (!e.isBlank() && Files.exists(Path.of(e))) {
                kept.add(Path.of(e).toAbsolutePath().toString());
            }
        }
        return String.join(File.pathSeparator, kept);
    }

    private static Path repoRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isExecutable(d.resolve("infra/flink-cluster"))) {
                return d;
            }
        }
        throw new IllegalStateException("infra/flink-cluster not found above " + Path.of("").toAbsolutePath());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> resp = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(resp.statusCode()).isEqualTo(200);
        return resp.body();
    }

    private static int indexOf(List<String> lines, String regex) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches(regex)) {
                return i;
            }
        }
        throw new AssertionError("no line matches " + regex);
    }

    private static String tmLogTail() {
        StringBuilder sb = new StringBuilder();
        for (String tm : List.of("taskmanager-1.log", "taskmanager-2.log")) {
            try {
                List<String> lines = Files.readAllLines(clusterDir.resolve(tm));
                sb.append("---- ").append(tm).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
            } catch (IOException e) {
                sb.append("(no ").append(tm).append(": ").append(e.getMessage()).append(")\n");
            }
        }
        return sb.toString();
    }
}
