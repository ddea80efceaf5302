package io.sdclr.pipeline.store;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sdclr gc}: what it removes, what it keeps and why, and that it leaves a live run's artifacts alone. */
class StoreCollectorTest {
    @TempDir Path tmp;

    private static final String KEY_A = "a".repeat(64);
    private static final String KEY_B = "b".repeat(64);
    private static final String KEY_C = "c".repeat(64);

    private static String commit(ArtifactStore store, String key, String content) throws IOException {
        Path staging = store.newStaging("s");
        Files.writeString(staging.resolve("part-0.txt"), content);
        return store.commit(staging, key, "test/s");
    }

    /** A run record referencing {@code digests}, started {@code startedAt}. */
    private static void record(ArtifactStore store, String runId, Instant startedAt, String... digests)
            throws IOException {
        List<Map<String, Object>> steps = new java.util.ArrayList<>();
        for (String d : digests) {
            steps.add(Map.of("name", "s" + steps.size(), "hit", false, "digest", d));
        }
        store.writeRunRecord(runId, Map.of("runId", runId, "workflow", "w", "startedAt", startedAt.toString(),
                "steps", steps));
    }

    private static void age(Path p, long millis) throws IOException {
        Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - millis));
    }

    private static Map<StoreCollector.Kind, Long> counts(StoreCollector.Report r) {
        return r.removed().stream().collect(Collectors.groupingBy(StoreCollector.Removal::kind,
                Collectors.counting()));
    }

    private static String host() {
        String self = ManagementFactory.getRuntimeMXBean().getName();
        return self.substring(self.indexOf('@') + 1);
    }

    @Test
    void removesWhatNoRecordNeedsAndKeepsTheRest() throws Exception {
        ArtifactStore store = new ArtifactStore(tmp);
        String kept = commit(store, KEY_A, "referenced");
        String orphan = commit(store, KEY_B, "no record has me");
        record(store, "20261201-100000-aaaa", Instant.now(), kept);
        Files.writeString(tmp.resolve("stamps").resolve(orphan + ".json"), "{}"); // as a full check writes it
        // A checkpoint of a committed key, one of an unfinished step, an empty one; a dead lease; a dead run's
        // staging; a finished run's progress; a stale temporary file; a stamp without its artifact.
        Files.writeString(Files.createDirectories(tmp.resolve("work").resolve(KEY_A)).resolve("c.bin"), "x");
        Files.writeString(Files.createDirectories(tmp.resolve("work").resolve(KEY_C)).resolve("c.bin"), "resume");
        Files.createDirectories(tmp.resolve("work").resolve("d".repeat(64)));
        Path lease = tmp.resolve("leases").resolve(KEY_C + ".lease");
        Files.writeString(lease, "run 1@" + host());
        age(lease, 120_000);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path deadStaging = Files.createDirectories(tmp.resolve("staging").resolve(gone.pid() + "@" + host())
                .resolve("x"));
        Files.createDirectories(tmp.resolve("progress").resolve("20261201-090000-bbbb"));
        Path tmpFile = tmp.resolve("keys").resolve("." + KEY_C + ".json.1234.tmp");
        Files.writeString(tmpFile, "{");
        age(tmpFile, 2 * 3600_000L);
        Files.writeString(tmp.resolve("stamps").resolve("e".repeat(64) + ".json"), "{}");
        // Not names the store gives: left alone.
        Files.writeString(tmp.resolve("artifacts").resolve("README"), "mine");
        Files.writeString(tmp.resolve("notes.txt"), "mine");

        StoreCollector.Report dry = new StoreCollector(store).collect(null, true);
        assertThat(Files.exists(store.artifactDir(orphan))).isTrue();
        StoreCollector.Report r = new StoreCollector(store).collect(null, false);
        assertThat(r.removed().stream().map(StoreCollector.Removal::path).toList())
                .containsExactlyElementsIn(dry.removed().stream().map(StoreCollector.Removal::path).toList());
        assertThat(r.freed()).isEqualTo(dry.freed());

        assertThat(counts(r)).containsExactly(StoreCollector.Kind.ARTIFACT, 1L, StoreCollector.Kind.KEY, 1L,
                StoreCollector.Kind.CHECKPOINT, 2L, StoreCollector.Kind.LEASE, 1L, StoreCollector.Kind.STAGING, 1L,
                StoreCollector.Kind.OTHER, 4L); // orphan's stamp, stale stamp, progress, temporary file
        assertThat(Files.exists(store.artifactDir(orphan))).isFalse();
        assertThat(store.lookup(KEY_B)).isEmpty();
        assertThat(store.lookup(KEY_A)).hasValue(kept);
        assertThat(store.verify(kept)).isTrue();
        assertThat(Files.exists(tmp.resolve("work").resolve(KEY_A))).isFalse();
        assertThat(Files.readString(tmp.resolve("work").resolve(KEY_C).resolve("c.bin"))).isEqualTo("resume");
        assertThat(r.resumable()).isEqualTo(1);
        assertThat(Files.exists(lease)).isFalse();
        assertThat(Files.exists(deadStaging)).isFalse();
        assertThat(Files.exists(tmpFile)).isFalse();
        assertThat(Files.readString(tmp.resolve("artifacts").resolve("README"))).isEqualTo("mine");
        assertThat(Files.readString(tmp.resolve("notes.txt"))).isEqualTo("mine");
        assertThat(r.keptArtifacts()).isEqualTo(1);
        assertThat(r.bytesAfter()).isEqualTo(StoreCollector.sizeOf(tmp));
        assertWithMessage(r.toString()).that(r.bytesBefore() - r.bytesAfter()).isEqualTo(r.freed());
        // Nothing left to do.
        assertThat(new StoreCollector(store).collect(null, false).removed()).isEmpty();
    }

    @Test
    void withACutoffOnlyNewerRecordsProtectAndOldCheckpointsGo() throws Exception {
        ArtifactStore store = new ArtifactStore(tmp);
        String old = commit(store, KEY_A, "old run");
        String recent = commit(store, KEY_B, "recent run");
        record(store, "20261101-100000-aaaa", Instant.now().minusSeconds(30 * 86400), old);
        record(store, "20261201-100000-bbbb", Instant.now().minusSeconds(3600), recent);
        Path checkpoint = Files.createDirectories(tmp.resolve("work").resolve(KEY_C));
        Files.writeString(checkpoint.resolve("c.bin"), "old");
        age(checkpoint.resolve("c.bin"), 10 * 86400_000L);
        age(checkpoint, 10 * 86400_000L);

        StoreCollector.Report r = new StoreCollector(store).collect(Instant.now().minusSeconds(7 * 86400), false);
        assertThat(Files.exists(store.artifactDir(old))).isFalse();
        assertThat(store.verify(recent)).isTrue();
        assertThat(Files.exists(checkpoint)).isFalse();
        assertThat(r.records()).isEqualTo(1);
        // The records themselves are history: kept.
        assertThat(store.runRecords()).hasSize(2);
    }

    @Test
    void whileARunUsesTheStoreNoArtifactIsRemoved() throws Exception {
        ArtifactStore store = new ArtifactStore(tmp);
        String orphan = commit(store, KEY_B, "the live run may be about to use me");
        StoreCollector.Report r;
        try (Lease live = store.enterRun("20261201-120000-cccc", gc -> {})) {
            r = new StoreCollector(store).collect(null, false);
            assertThat(r.liveRuns()).hasSize(1);
            assertThat(r.liveRuns().get(0)).startsWith("20261201-120000-cccc ");
            assertThat(r.unreferencedKept()).isEqualTo(1);
            assertThat(counts(r)).doesNotContainKey(StoreCollector.Kind.ARTIFACT);
            assertThat(counts(r)).doesNotContainKey(StoreCollector.Kind.KEY);
            assertThat(store.lookup(KEY_B)).hasValue(orphan);
        }
        // Once it has finished (and recorded nothing), the artifact goes.
        r = new StoreCollector(store).collect(null, false);
        assertThat(r.liveRuns()).isEmpty();
        assertThat(Files.exists(store.artifactDir(orphan))).isFalse();
    }

    @Test
    void aRunStartingWhileGcWorksWaitsForIt() throws Exception {
        ArtifactStore store = new ArtifactStore(tmp);
        List<String> told = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> run;
        try (Lease gc = Lease.tryAcquire(store.gcLeaseFile(), "gc").orElseThrow()) {
            run = CompletableFuture.runAsync(() -> store.enterRun("20261201-130000-dddd", told::add).close());
            Thread.sleep(700);
            assertThat(run.isDone()).isFalse();
            assertThat(told).hasSize(1);
            assertThat(told.get(0)).startsWith("gc ");
            // A second gc is refused while the first works.
            StoreCollector.Busy busy = assertThrows(StoreCollector.Busy.class,
                    () -> new StoreCollector(store).collect(null, true));
            assertThat(busy).hasMessageThat().startsWith("gc ");
        }
        run.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aLinkInTheStoreIsRemovedAsALinkNeverFollowed() throws Exception {
        ArtifactStore store = new ArtifactStore(tmp.resolve("store"));
        Path outside = Files.createDirectories(tmp.resolve("precious"));
        Files.writeString(outside.resolve("thesis.tex"), "years of work");
        Files.createSymbolicLink(tmp.resolve("store/artifacts").resolve("f".repeat(64)), outside);
        Files.createSymbolicLink(tmp.resolve("store/work").resolve(KEY_A), outside);
        Files.writeString(tmp.resolve("store/keys").resolve(KEY_A + ".json"), "{\"digest\":\"" + "f".repeat(64)
                + "\"}");
        new StoreCollector(store).collect(Instant.now().plusSeconds(60), false);
        assertThat(Files.exists(tmp.resolve("store/artifacts").resolve("f".repeat(64)),
                java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.readString(outside.resolve("thesis.tex"))).isEqualTo("years of work");
    }
}
