package io.sdclr.examples;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sdclr run} killed with SIGKILL during pretraining, then started again with the same command: it resumes
 * from the last checkpoint and ends with the same encoder (same digest) as a run that was never interrupted.
 */
class KillAndResumeTest {
    private static final String STEP = "pretrain-sdclr-s0";

    @TempDir Path tmp;

    private List<String> args(String store) {
        return List.of("run", "smoke", "--store", tmp.resolve(store).toString(), "--out",
                tmp.resolve(store + "-out").toString(), "--device", "cpu", "--to", STEP,
                "--set", "pretrain.epochs=4", "--set", "pretrain.checkpointEvery=1");
    }

    @Test
    void killedPretrainingResumesFromItsCheckpointAndEndsWithTheSameEncoder() throws Exception {
        // The real CLI in its own JVM, killed with SIGKILL (destroyForcibly) once its first checkpoint exists.
        // Same JVM options as this test JVM (torch threads, DJL offline), so both runs compute alike.
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.sdclr.pipeline.cli.Main"));
        cmd.addAll(args("killed"));
        Path log = tmp.resolve("killed.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Optional<Path> checkpoint = Optional.empty();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (checkpoint.isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            checkpoint = find(tmp.resolve("killed/work"), "checkpoint-epoch-");
        }
        p.destroyForcibly();
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        String killedLog = Files.readString(log);
        assertWithMessage("a checkpoint before the run ended; log:\n%s", killedLog).that(checkpoint.isPresent())
                .isTrue();
        assertThat(killedLog).doesNotContain("done: workflow=smoke");
        assertThat(Files.exists(tmp.resolve("killed/steps/smoke/" + STEP + ".json"))).isFalse();

        // The killed process left its staging folder (named after it) behind.
        String self = ManagementFactory.getRuntimeMXBean().getName();
        Path killedStaging = tmp.resolve("killed/staging").resolve(p.pid() + self.substring(self.indexOf('@')));
        assertThat(Files.isDirectory(killedStaging)).isTrue();

        // The same command again: resumes, says from which epoch, and publishes the encoder.
        Cli.Result resumed = Cli.run(args("killed").toArray(String[]::new));
        assertThat(resumed.exitCode()).isEqualTo(0);
        // Issue 11, item 8: the dead run's staging went at once, and the checkpoints went with the encoder's commit.
        assertThat(Files.exists(killedStaging)).isFalse();
        try (Stream<Path> work = Files.list(tmp.resolve("killed/work"))) {
            assertThat(work.toList()).isEmpty();
        }
        // The step's progress, on the CLI's stderr: it resumed after epoch 1, 2 or 3 and did not train epoch 1 again.
        assertThat(resumed.err()).containsMatch("(?m)^\\[sdclr\\] " + STEP + ": resumed from checkpoint at "
                + "epoch [123]$");
        assertThat(resumed.err()).containsMatch("(?m)^\\[sdclr\\] " + STEP + ": epoch 4/4 done ");
        assertThat(resumed.err()).doesNotContain(STEP + ": epoch 1/4 done");

        Cli.Result whole = Cli.run(args("whole").toArray(String[]::new));
        assertThat(whole.exitCode()).isEqualTo(0);
        assertThat(whole.err()).doesNotContain("resumed from checkpoint");
        assertThat(whole.err()).containsMatch("(?m)^\\[sdclr\\] " + STEP + ": epoch 1/4 done ");
        assertThat(digest("killed")).isEqualTo(digest("whole"));
    }

    private String digest(String store) throws IOException {
        return new ObjectMapper().readTree(tmp.resolve(store + "/steps/smoke/" + STEP + ".json").toFile())
                .path("digest").asText();
    }

    private static Optional<Path> find(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(f -> f.getFileName().toString().startsWith(prefix)
                    && f.getFileName().toString().endsWith(".bin")).findFirst();
        } catch (java.io.UncheckedIOException e) {
            return Optional.empty(); // A file vanished while walking (the checkpoint rename): look again.
        }
    }
}
