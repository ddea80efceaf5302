package io.sdclr.pipeline.cli;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.dsl.InvalidInputException;
import io.sdclr.pipeline.store.ArtifactStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sdclr gc} on the command line: what it prints, and what it refuses. */
class GcCommandTest {
    @TempDir Path tmp;

    @Test
    void dryRunSaysWhatWouldGoThenGcRemovesIt() throws Exception {
        Path dir = tmp.resolve("store");
        ArtifactStore store = new ArtifactStore(dir);
        Path staging = store.newStaging("s");
        Files.write(staging.resolve("part-0.bin"), new byte[1_500_000]);
        String digest = store.commit(staging, "k".repeat(64).replace('k', 'a'), "w/s");
        store.writeRunRecord("20261201-100000-aaaa", Map.of("runId", "20261201-100000-aaaa", "steps",
                java.util.List.of()));

        Sdclr.Result dry = Sdclr.run("gc", "--store", dir.toString(), "--dry-run");
        assertThat(dry.code()).isEqualTo(0);
        assertThat(dry.out()).startsWith("gc --dry-run: store " + dir + ", 1.5 MB\n");
        assertThat(dry.out()).containsMatch("  would remove artifacts +1 +1\\.5 MB  \\(unreferenced artifacts\\)\n");
        assertThat(dry.out()).contains("  kept 0 artifacts (0.0 MB) that 1 run record references\n");
        assertThat(dry.out()).containsMatch("gc: would free 1\\.5 MB in \\d+\\.\\d s; store would be 0\\.0 MB\n$");
        assertThat(Files.isDirectory(store.artifactDir(digest))).isTrue();

        Sdclr.Result gc = Sdclr.run("gc", "--store", dir.toString());
        assertThat(gc.out()).containsMatch("  removed artifacts +1 +1\\.5 MB");
        assertThat(gc.out()).containsMatch("gc: freed 1\\.5 MB in \\d+\\.\\d s; store now 0\\.0 MB\n$");
        assertThat(Files.exists(store.artifactDir(digest))).isFalse();
        assertThat(Sdclr.run("gc", "--store", dir.toString()).out()).contains("  nothing to remove\n");
    }

    @Test
    void refusesAFolderThatIsNotAStoreAndABadAge() throws Exception {
        Path notAStore = Files.createDirectories(tmp.resolve("home/artifacts"));
        Files.writeString(notAStore.resolve("keep.txt"), "mine");
        Sdclr.Result r = Sdclr.run("gc", "--store", tmp.resolve("home").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: --store " + tmp.resolve("home") + ": no artifact store there (expected a "
                + "folder with artifacts/ and keys/ in it)\n");
        assertThat(Files.readString(notAStore.resolve("keep.txt"))).isEqualTo("mine");
        new ArtifactStore(tmp.resolve("store"));
        Sdclr.Result age = Sdclr.run("gc", "--store", tmp.resolve("store").toString(), "--keep", "30 days");
        assertThat(age.code()).isEqualTo(2);
        assertThat(age.err()).contains("--keep 30 days: expected a positive age like 90m, 12h, 30d or 2w");
    }

    @Test
    void agesParse() {
        assertThat(Gc.parse("90m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Gc.parse("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(Gc.parse("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(Gc.parse("2w")).isEqualTo(Duration.ofDays(14));
        assertThrows(InvalidInputException.class, () -> Gc.parse("0d"));
        assertThrows(InvalidInputException.class, () -> Gc.parse("-1d"));
    }
}
