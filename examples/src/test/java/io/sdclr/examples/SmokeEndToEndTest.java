package io.sdclr.examples;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sdclr.pipeline.store.ArtifactStore;
import io.sdclr.pipeline.store.StoreCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smoke workflow end to end on real Fashion-MNIST, as a user runs it: first run (with the steps' progress on
 * stderr), cached re-run, plan naming the keys a user types, a parameter change that re-runs only the probes, and
 * the same workflow on Flink's embedded cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SmokeEndToEndTest {
    private static final Pattern DONE =
            Pattern.compile("done: workflow=smoke run=(\\S+) ran=(\\d+) cached=(\\d+) out=(\\S+)");

    @TempDir static Path tmp;
    /** The first run, on a local store: what the other runs must reproduce. */
    private static Cli.Result first;

    private static Cli.Result smoke(String store, String out, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("run", "smoke", "--store",
                tmp.resolve(store).toString(), "--out", tmp.resolve(out).toString(), "--device", "cpu"));
        args.addAll(Arrays.asList(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    /** The lines of {@code sdclr plan}, by step: {@code hit|miss REASON}. */
    private static Map<String, String> planLines(Cli.Result plan) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : plan.out().strip().split("\n")) {
            int space = line.indexOf(' ');
            m.put(line.substring(0, space), line.substring(space + 1));
        }
        return m;
    }

    /**
     * A step's progress (epochs, loss) reaches the CLI's stderr as {@code [sdclr] STEP: line}, between the step's
     * start and end lines, for both pretraining steps.
     */
    static void assertPretrainProgressOnStderr(String err) {
        for (String method : List.of("simclr", "sdclr")) {
            String step = "pretrain-" + method + "-s0";
            Matcher epoch = Pattern.compile("(?m)^\\[sdclr\\] " + step + ": epoch 1/1 done loss \\d+\\.\\d{4} ")
                    .matcher(err);
            assertThat(epoch.find()).isTrue();
            int running = err.indexOf("[sdclr] " + step + ": running on ");
            int ran = err.indexOf("[sdclr] " + step + ": ran in ");
            assertThat(running).isAtLeast(0);
            assertThat(epoch.start()).isGreaterThan(running);
            assertThat(epoch.start()).isLessThan(ran);
            assertThat(err).doesNotContain("[" + step + "]"); // the old format, printed where the step ran
        }
        assertThat(err).containsMatch("(?m)^\\[sdclr\\] pretrain-sdclr-s0: epoch 1/1 mask rebuilt: kept \\d+ of ");
    }

    /** Each step's artifact digest (12 digits) as the run printed it: {@code STEP -> DIGEST}. */
    private static Map<String, String> artifacts(Cli.Result r) {
        Map<String, String> m = new java.util.TreeMap<>();
        Matcher a = Pattern.compile("(?m)^\\[sdclr\\] (\\S+): ran in .* -> artifact ([0-9a-f]+);").matcher(r.err());
        while (a.find()) {
            m.put(a.group(1), a.group(2));
        }
        return m;
    }

    private static int[] ranCached(Cli.Result r) {
        Matcher m = DONE.matcher(r.lastLine());
        assertThat(m.matches()).isTrue();
        return new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
    }

    @Test
    @Order(1)
    void firstRunComputesEveryStepAndWritesTheReport() throws IOException {
        Cli.Result r = smoke("store", "out1");
        first = r;
        assertThat(r.exitCode()).isEqualTo(0);
        // data, subset, 3 encoders (SimCLR, SDCLR, the balanced control) x (pretrain, features, probe, fewshot, knn,
        // pies), report
        assertThat(ranCached(r)).asList().containsExactly(21, 0).inOrder();
        assertPretrainProgressOnStderr(r.err());
        JsonNode results = new ObjectMapper().readTree(tmp.resolve("out1/results.json").toFile());
        assertThat(results.path("workflow").asText()).isEqualTo("smoke");
        for (String m : List.of("simclr", "sdclr", "simclr-balanced")) {
            // The evidence: PIE rates by group, a loss curve per pretraining.
            double pies = results.path("methods").path(m).path("pie").path("all").path("mean").asDouble(-1);
            assertThat(pies).isAtLeast(0.0);
            assertThat(pies).isAtMost(100.0);
            assertThat(results.path("methods").path(m).path("curves").get(0).path("loss").size()).isEqualTo(1);
            for (String e : List.of("linear", "fewshot", "knn")) {
                double all = results.path("methods").path(m).path(e).path("all").path("mean").asDouble(-1);
                // Real training on real data: far above chance (10%) even after one epoch. (The lowest, SDCLR's
                // few-shot probe on 100 images, is 28.76 here, as it was before the step SDK redesign.)
                assertThat(all).isGreaterThan(20.0);
                assertThat(all).isAtMost(100.0);
            }
        }
        assertThat(results.path("splits").get(0).path("class_counts").size()).isEqualTo(10);
        assertThat(Files.readString(tmp.resolve("out1/report.md"))).contains("Many");
        assertThat(Files.exists(tmp.resolve("out1/report.html"))).isTrue();
    }

    @Test
    @Order(2)
    void secondRunIsAllHitsWithIdenticalFiles() throws IOException {
        Cli.Result r = smoke("store", "out2");
        assertThat(r.exitCode()).isEqualTo(0);
        assertThat(ranCached(r)).asList().containsExactly(0, 21).inOrder();
        for (String f : List.of("results.json", "report.md", "report.html")) {
            assertThat(Files.readAllBytes(tmp.resolve("out2").resolve(f)))
                    .isEqualTo(Files.readAllBytes(tmp.resolve("out1").resolve(f)));
        }
        // Both runs are recorded, newest first, with what they set and how much they ran.
        String store = tmp.resolve("store").toString();
        Cli.Result runs = Cli.run("runs", "--store", store);
        assertThat(runs.exitCode()).isEqualTo(0);
        List<String> lines = runs.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("RUN ");
        assertThat(lines.get(1)).containsMatch("^\\d{8}-\\d{6}-\\w{4} +smoke .* 0/21 direct +\\(defaults\\)$");
        assertThat(lines.get(2)).containsMatch(" 21/0 direct +\\(defaults\\)$");
        assertThat(Cli.run("runs", "--store", store, "--where", "probe.epochs=30.0").out().lines().count())
                .isEqualTo(3L); // 30 as a number
        assertThat(Cli.run("runs", "--store", store, "--where", "probe.epochs=7").out())
                .startsWith("no runs match in ");
        // show: the first run's parameters (defaults included), machine, code, every step, published results.
        String first = lines.get(2).substring(0, 20);
        Cli.Result show = Cli.run("show", first, "--store", store);
        assertThat(show.exitCode()).isEqualTo(0);
        assertThat(show.out()).startsWith("run " + first + " · workflow smoke · ok\n");
        assertThat(show.out()).containsMatch("runner direct, code [0-9a-f]{12}\n");
        assertThat(show.out()).contains("set: nothing (the workflow's defaults)\n");
        assertThat(show.out()).containsMatch("\n    probe\\.epochs += 30\n");
        assertThat(show.out()).contains("steps (21: ran 21, cached 0):");
        assertThat(show.out()).containsMatch("\n    simclr +linear \\d+\\.\\d\\d ± 0\\.00   fewshot ");
        assertThat(show.out()).contains(tmp.resolve("out1/results.json").toAbsolutePath().toString());
        Cli.Result missing = Cli.run("show", "19990101", "--store", store);
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("run 19990101: not recorded in " + store);
    }

    /**
     * A two-point sweep on an empty store: the first point computes everything, the second only what its value
     * changes (the probes and the report); its pretrainings, features, kNN and PIEs are the first point's.
     */
    @Test
    @Order(7)
    void sweepComputesSharedStepsOnce() throws IOException {
        String store = tmp.resolve("sweepstore").toString();
        Cli.Result r = Cli.run("run", "smoke", "--store", store, "--out", tmp.resolve("sweepout").toString(),
                "--sweep", "probe.epochs=2,3");
        assertThat(r.exitCode()).isEqualTo(0);
        List<String> out = r.out().lines().toList();
        assertThat(out.get(0)).containsMatch("^point 1/2: probe.epochs=2 run=\\S+-p1 ran=21 cached=0 out=");
        assertThat(out.get(1)).containsMatch("^point 2/2: probe.epochs=3 run=\\S+-p2 ran=4 cached=17 out=");
        assertThat(r.lastLine()).containsMatch("^done: workflow=smoke sweep=(\\S+) points=2 ran=25 cached=17 out=");
        String sweepId = r.lastLine().replaceAll(".* sweep=(\\S+) .*", "$1");
        assertThat(r.err()).contains("probe-sdclr-s0: ran in");
        assertThat(java.nio.file.Files.isRegularFile(tmp.resolve("sweepout/sweep-" + sweepId
                + "/probe.epochs=3/results.json"))).isTrue();
        // Its points are recorded; the plan of the same sweep is now all hits.
        List<String> runs = Cli.run("runs", "--store", store, "--sweep", sweepId).out().lines().toList();
        assertThat(runs).hasSize(3);
        assertThat(runs.get(1)).containsMatch("-p2 +smoke .* 4/17 direct +probe\\.epochs=3$");
        // compare: a row per point, in grid order, a column per method.
        Cli.Result cmp = Cli.run("compare", sweepId, "--store", store, "--out", tmp.resolve("cmp").toString());
        assertThat(cmp.exitCode()).isEqualTo(0);
        assertThat(cmp.out()).containsMatch("\\| run \\| differs \\| simclr \\| sdclr \\| simclr-balanced \\|\n"
                + "\\|---\\|---\\|---:\\|---:\\|---:\\|\n\\| \\S+-p1 \\| probe\\.epochs=2 \\| \\d+\\.\\d\\d ± 0\\.00 \\|.*\n"
                + "\\| \\S+-p2 \\| probe\\.epochs=3 \\|");
        // compare.html: the table, and the accuracy against the swept value, a line per method.
        assertThat(cmp.lastLine()).isEqualTo("wrote " + tmp.resolve("cmp/compare.html") + " (charts against "
                + "probe.epochs)");
        String html = Files.readString(tmp.resolve("cmp/compare.html"));
        assertThat(html).contains("linear · all: test accuracy % against probe.epochs");
        assertThat(html.split("<polyline ", -1)).hasLength(4); // simclr, sdclr, simclr-balanced
        Cli.Result plan = Cli.run("plan", "smoke", "--store", store, "--sweep", "probe.epochs=2,3");
        assertThat(plan.out()).startsWith("point 1/2: probe.epochs=2\n");
        assertThat(plan.out()).contains("\npoint 2/2: probe.epochs=3\n");
        assertThat(plan.out()).doesNotContain(" miss ");
        // The same points from a sweep file.
        Path points = Files.writeString(tmp.resolve("points.txt"), "# the probe's epochs\nprobe.epochs=2\nprobe.epochs=3\n");
        Cli.Result filePlan = Cli.run("plan", "smoke", "--store", store, "--sweep-file", points.toString());
        assertThat(filePlan.out()).startsWith("point 1/2: probe.epochs=2\n");
        assertThat(filePlan.out()).doesNotContain(" miss ");
        Cli.Result bad = Cli.run("plan", "smoke", "--store", store, "--sweep", "probe.epochs=2,x");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--sweep probe.epochs=x: expected an integer (default 30)");
    }

    /**
     * {@code sdclr gc} while a run uses the store removes nothing that run uses, even artifacts no record references
     * yet; once the run is recorded they are kept for good, and without any record everything goes.
     */
    @Test
    @Order(8)
    void gcUnderAConcurrentRunRemovesNothingInUse() throws Exception {
        Path store = tmp.resolve("sweepstore");
        // Forget the sweep's second point: what only it computed (three probes and the report) is now unreferenced.
        Path p2;
        try (Stream<Path> runs = Files.list(store.resolve("runs"))) {
            p2 = runs.filter(f -> f.getFileName().toString().endsWith("-p2.json")).findFirst().orElseThrow();
        }
        Files.delete(p2);
        // A run that needs exactly those artifacts, kept busy by a forced pretraining while gc works.
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> Cli.run("run", "smoke", "--store",
                store.toString(), "--out", tmp.resolve("gcout").toString(), "--set", "probe.epochs=3", "--force",
                "pretrain-sdclr-s0"));
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!hasLease(store.resolve("live")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        StoreCollector.Report during = new StoreCollector(new ArtifactStore(store)).collect(null, false);
        assertThat(during.liveRuns()).hasSize(1);
        assertThat(during.unreferencedKept()).isEqualTo(4);
        assertThat(during.removed().stream().map(StoreCollector.Removal::kind).toList())
                .containsNoneOf(StoreCollector.Kind.ARTIFACT, StoreCollector.Kind.KEY);
        Cli.Result r = run.get(10, TimeUnit.MINUTES);
        assertThat(r.exitCode()).isEqualTo(0);
        assertThat(ranCached(r)).asList().containsExactly(1, 20).inOrder(); // the probes and report were hits

        Cli.Result gc = Cli.run("gc", "--store", store.toString());
        assertThat(gc.exitCode()).isEqualTo(0);
        assertThat(gc.out()).doesNotContain("removed artifacts");
        assertThat(gc.out()).contains("  kept 25 artifacts (");
        assertThat(Cli.run("verify", "--store", store.toString()).out()).contains("verify: 25 artifacts");
        // No record left: every artifact goes, and the next plan computes everything again.
        try (Stream<Path> runs = Files.list(store.resolve("runs"))) {
            for (Path f : runs.toList()) {
                Files.delete(f);
            }
        }
        Cli.Result dry = Cli.run("gc", "--store", store.toString(), "--dry-run");
        assertThat(dry.out()).containsMatch("would remove artifacts +25 ");
        assertThat(Cli.run("verify", "--store", store.toString()).out()).contains("verify: 25 artifacts");
        gc = Cli.run("gc", "--store", store.toString());
        assertThat(gc.out()).containsMatch("removed artifacts +25 ");
        assertThat(gc.out()).containsMatch("removed keys +\\d+ ");
        assertThat(Cli.run("verify", "--store", store.toString()).out()).contains("verify: 0 artifacts");
        assertThat(Cli.run("plan", "smoke", "--store", store.toString()).out()).startsWith("data miss");
    }

    private static boolean hasLease(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(f -> f.getFileName().toString().endsWith(".lease"));
        }
    }

    /** The values {@code sdclr list} shows are the ones the workflow runs with: setting them all changes nothing. */
    @Test
    @Order(3)
    void settingEveryKeyToTheValueListShowsIsAllHits() {
        List<String> args = new java.util.ArrayList<>(List.of("plan", "smoke", "--store",
                tmp.resolve("store").toString()));
        ListOutput.run().parameters("smoke").forEach((key, value) -> {
            assertThat(value).isNotEqualTo(ListOutput.DIFFERS);
            args.addAll(List.of("--set", key + "=" + value));
        });
        Cli.Result plan = Cli.run(args.toArray(String[]::new));
        assertThat(plan.exitCode()).isEqualTo(0);
        Map<String, String> lines = planLines(plan);
        assertThat(lines).hasSize(21);
        lines.forEach((step, reason) -> assertWithMessage(step).that(reason).startsWith("hit "));
    }

    /**
     * {@code plan} names the parameters it gives as reasons by the keys a user types: every one is a key
     * {@code sdclr list} shows for smoke. probe.batch is shared by the linear and few-shot probes.
     */
    @Test
    @Order(4)
    void planNamesTheKeysAUserCanType() {
        Map<String, String> listed = ListOutput.run().parameters("smoke");
        assertThat(listed).containsEntry("probe.batch", "128");
        Cli.Result plan = Cli.run("plan", "smoke", "--store", tmp.resolve("store").toString(), "--set",
                "probe.batch=64");
        assertThat(plan.exitCode()).isEqualTo(0);
        Map<String, String> lines = planLines(plan);
        assertThat(lines).hasSize(21);
        for (String m : List.of("simclr", "sdclr", "simclr-balanced")) {
            for (String step : List.of("probe-", "fewshot-")) {
                assertThat(lines).containsEntry(step + m + "-s0", "miss parameter probe.batch changed 128 -> 64");
            }
            for (String step : List.of("pretrain-", "features-", "knn-", "pies-")) {
                assertWithMessage(step + m + "-s0").that(lines.get(step + m + "-s0")).startsWith("hit ");
            }
        }
        assertThat(lines.get("data")).startsWith("hit ");
        assertThat(lines.get("subset")).startsWith("hit ");
        assertThat(lines.get("report")).startsWith("miss input ");
        Matcher named = Pattern.compile("\\bparameter (\\S+)").matcher(plan.out());
        int count = 0;
        while (named.find()) {
            assertWithMessage("a parameter plan names").that(listed).containsKey(named.group(1));
            count++;
        }
        assertThat(count).isEqualTo(6);
    }

    @Test
    @Order(5)
    void changingTheProbeLearningRateRerunsOnlyTheProbesAndTheReport() {
        Cli.Result plan = Cli.run("plan", "smoke", "--store", tmp.resolve("store").toString(), "--set",
                "probe.lr=10");
        assertThat(plan.exitCode()).isEqualTo(0);
        assertThat(plan.out()).contains("probe-sdclr-s0 miss parameter probe.lr changed 30 -> 10");
        assertThat(plan.out()).containsMatch("pretrain-sdclr-s0 hit ");
        assertThat(plan.out()).containsMatch("features-simclr-s0 hit ");
        assertThat(plan.out()).containsMatch("fewshot-simclr-s0 hit ");
        assertThat(plan.out()).containsMatch("report miss input probe-");
        Cli.Result r = smoke("store", "out3", "--set", "probe.lr=10");
        assertThat(r.exitCode()).isEqualTo(0);
        // The three linear probes and the report.
        assertThat(ranCached(r)).asList().containsExactly(4, 17).inOrder();
    }

    @Test
    @Order(6)
    void flinkEmbeddedClusterProducesTheSameResults() throws IOException {
        Cli.Result r = smoke("flink-store", "out-flink", "--runner", "flink-local");
        assertThat(r.exitCode()).isEqualTo(0);
        assertThat(ranCached(r)).asList().containsExactly(21, 0).inOrder();
        assertPretrainProgressOnStderr(r.err());
        assertThat(Files.readString(tmp.resolve("out-flink/results.json")))
                .isEqualTo(Files.readString(tmp.resolve("out1/results.json")));
    }

    /**
     * Issue 14: the same workflow with its store on S3 (a real S3 server, {@code infra/s3}, in its own JVM; the store's
     * files through sdclr's S3 file system, the steps' Avro records through Beam's): every artifact and
     * {@code results.json} byte-identical to the local store's; a second run all cached; {@code verify} re-hashes
     * them there. And what cannot work exits 2 before anything runs: a missing bucket, refused credentials, none.
     */
    @Test
    @Order(7)
    void anS3StoreGivesTheSameArtifactsAndResults() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path serverDir = tmp.resolve("s3");
        Map<String, String> settings = Map.of("aws.endpointUrl", "http://localhost:" + port, "aws.accessKeyId",
                "sdclr", "aws.secretAccessKey", "sdclr-local-secret");
        Process start = infraS3("start", "--port", String.valueOf(port), "--dir", serverDir.toString());
        try {
            assertThat(start.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            String started = new String(start.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertWithMessage("infra/s3 start:\n%s", started).that(start.exitValue()).isEqualTo(0);
            settings.forEach(System::setProperty);

            String store = "s3://sdclr/store";
            Cli.Result r = Cli.run("run", "smoke", "--store", store, "--out", tmp.resolve("out-s3").toString(),
                    "--device", "cpu");
            assertWithMessage("stderr:\n%s", r.err()).that(r.exitCode()).isEqualTo(0);
            assertThat(ranCached(r)).asList().containsExactly(21, 0).inOrder();
            assertThat(artifacts(r)).hasSize(21);
            assertThat(artifacts(r)).isEqualTo(artifacts(first));
            assertThat(Files.readString(tmp.resolve("out-s3/results.json")))
                    .isEqualTo(Files.readString(tmp.resolve("out1/results.json")));
            // The objects are where the store's layout says, in the server's folder for the bucket.
            assertThat(Files.isDirectory(serverDir.resolve("data/sdclr/store/artifacts"))).isTrue();

            Cli.Result again = Cli.run("run", "smoke", "--store", store, "--out", tmp.resolve("out-s3b").toString(),
                    "--device", "cpu");
            assertThat(again.exitCode()).isEqualTo(0);
            assertThat(ranCached(again)).asList().containsExactly(0, 21).inOrder();
            Cli.Result verify = Cli.run("verify", "--store", store);
            assertThat(verify.exitCode()).isEqualTo(0);
            assertThat(verify.err() + verify.out()).contains("21 artifacts");

            Cli.Result noBucket = Cli.run("plan", "smoke", "--store", "s3://absent-bucket/store");
            assertThat(noBucket.exitCode()).isEqualTo(2);
            assertThat(noBucket.err().strip()).isEqualTo("error: --store s3://absent-bucket/store: bucket "
                    + "absent-bucket does not exist at http://localhost:" + port + "; create it first (aws s3 mb "
                    + "s3://absent-bucket, or infra/s3 start --bucket absent-bucket for a local server)");
            System.setProperty("aws.secretAccessKey", "wrong");
            Cli.Result refused = Cli.run("plan", "smoke", "--store", store);
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.err()).contains("refused access to bucket sdclr (HTTP 403)");
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
            System.setProperty("aws.sharedCredentialsFile", tmp.resolve("no-credentials").toString());
            System.setProperty("aws.disableEc2Metadata", "true");
            Cli.Result none = Cli.run("plan", "smoke", "--store", store);
            if (System.getenv("AWS_ACCESS_KEY_ID") == null && System.getenv("AWS_PROFILE") == null) {
                assertThat(none.exitCode()).isEqualTo(2);
                assertThat(none.err()).contains("no AWS credentials found; set AWS_ACCESS_KEY_ID");
            }
        } finally {
            for (String k : List.of("aws.endpointUrl", "aws.accessKeyId", "aws.secretAccessKey",
                    "aws.sharedCredentialsFile", "aws.disableEc2Metadata")) {
                System.clearProperty(k);
            }
            infraS3("stop", "--dir", serverDir.toString()).waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** Runs infra/s3 with the s3proxy jar Maven copied into target/s3proxy. */
    private static Process infraS3(String... args) throws IOException {
        Path repo = Path.of("").toAbsolutePath();
        while (!Files.isExecutable(repo.resolve("infra/s3"))) {
            repo = repo.getParent();
        }
        List<String> cmd = new java.util.ArrayList<>(List.of(repo.resolve("infra/s3").toString()));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        try (java.util.stream.Stream<Path> jars = Files.list(Path.of("target/s3proxy"))) {
            pb.environment().put("SDCLR_S3PROXY_JAR", jars.findFirst().orElseThrow().toAbsolutePath().toString());
        }
        return pb.start();
    }
}
