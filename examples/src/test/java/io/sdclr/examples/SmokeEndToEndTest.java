package io.sdclr.examples;

import static com.google.common.truth.Truth.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smoke workflow end to end on real Fashion-MNIST, as a user runs it: first run, cached re-run, a parameter
 * change that re-runs only the probes, plan, and the same workflow on Flink's embedded cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SmokeEndToEndTest {
    private static final Pattern DONE =
            Pattern.compile("done: workflow=smoke run=(\\S+) ran=(\\d+) cached=(\\d+) out=(\\S+)");

    @TempDir static Path tmp;

    private static Cli.Result smoke(String store, String out, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("run", "smoke", "--store",
                tmp.resolve(store).toString(), "--out", tmp.resolve(out).toString(), "--device", "cpu"));
        args.addAll(Arrays.asList(extra));
        return Cli.run(args.toArray(String[]::new));
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
        assertThat(r.exitCode()).isEqualTo(0);
        // data, subset, 2 methods x (pretrain, features, probe, fewshot, knn), report
        assertThat(ranCached(r)).asList().containsExactly(13, 0).inOrder();
        JsonNode results = new ObjectMapper().readTree(tmp.resolve("out1/results.json").toFile());
        assertThat(results.path("workflow").asText()).isEqualTo("smoke");
        for (String m : List.of("simclr", "sdclr")) {
            for (String e : List.of("linear", "fewshot", "knn")) {
                double all = results.path("methods").path(m).path(e).path("all").path("mean").asDouble(-1);
                // Real training on real data: far above chance (10%) even after one epoch.
                assertThat(all).isGreaterThan(30.0);
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
        assertThat(ranCached(r)).asList().containsExactly(0, 13).inOrder();
        for (String f : List.of("results.json", "report.md", "report.html")) {
            assertThat(Files.readAllBytes(tmp.resolve("out2").resolve(f)))
                    .isEqualTo(Files.readAllBytes(tmp.resolve("out1").resolve(f)));
        }
    }

    @Test
    @Order(3)
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
        assertThat(ranCached(r)).asList().containsExactly(3, 10).inOrder();
    }

    @Test
    @Order(4)
    void flinkEmbeddedClusterProducesTheSameResults() throws IOException {
        Cli.Result r = smoke("flink-store", "out-flink", "--runner", "flink-local");
        assertThat(r.exitCode()).isEqualTo(0);
        assertThat(ranCached(r)).asList().containsExactly(13, 0).inOrder();
        assertThat(Files.readString(tmp.resolve("out-flink/results.json")))
                .isEqualTo(Files.readString(tmp.resolve("out1/results.json")));
    }
}
