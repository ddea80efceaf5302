package io.sdclr.pipeline.store;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cache hits are checked by size and modification stamp once an artifact has been re-hashed in full; a full
 * re-hash happens without a stamp, when a stamp differs, or on request.
 */
class ArtifactStampTest {
    @TempDir Path tmp;

    private String commit(ArtifactStore store, String key, String content) throws IOException {
        Path staging = store.newStaging("s");
        Files.writeString(staging.resolve("part-0.txt"), content);
        Files.writeString(staging.resolve("extra.bin"), content + content);
        return store.commit(staging, key, "test/s");
    }

    /** Makes every file of the artifact look older than the settling time, as any artifact of an earlier day. */
    private static void age(Path dir) throws IOException {
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.setLastModifiedTime(f, old);
            }
        }
    }

    /** Flips one byte of a file in place and puts its modification time back: damage a stamp cannot see. */
    private static void flipKeepingStamp(Path f) throws IOException {
        FileTime mtime = Files.getLastModifiedTime(f);
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.seek(0);
            int b = r.read();
            r.seek(0);
            r.write(b ^ 0x20);
        }
        Files.setLastModifiedTime(f, mtime);
    }

    @Test
    void aHitWritesAStampAndLaterHitsTrustIt() throws IOException {
        ArtifactStore store = new ArtifactStore(tmp.resolve("store"));
        String digest = commit(store, "k1", "hello");
        Path dir = store.artifactDir(digest);
        age(dir);
        assertThat(store.lookup("k1")).hasValue(digest); // full re-hash, then the stamp
        Path stamp = tmp.resolve("store/stamps").resolve(digest + ".json");
        assertThat(Files.isRegularFile(stamp)).isTrue();
        String json = Files.readString(stamp);
        assertThat(json).contains("part-0.txt");
        assertThat(json).contains(Manifest.FILE_NAME);

        // The trade-off: same size, mtime put back -> the cheap check trusts it ...
        flipKeepingStamp(dir.resolve("part-0.txt"));
        assertThat(store.lookup("k1")).hasValue(digest);
        // ... and a full verification does not.
        ArtifactStore verifying = new ArtifactStore(tmp.resolve("store"));
        verifying.verifyEveryHit();
        assertThat(verifying.lookup("k1")).isEmpty();
        assertThat(Files.exists(stamp)).isFalse();
        assertThat(new ArtifactStore(tmp.resolve("store")).verifyAll()).containsExactly(digest);
    }

    @Test
    void damageThatChangesSizeOrModificationTimeIsAMiss() throws IOException {
        ArtifactStore store = new ArtifactStore(tmp.resolve("store"));
        String digest = commit(store, "k1", "hello");
        Path dir = store.artifactDir(digest);
        age(dir);
        assertThat(store.lookup("k1")).hasValue(digest);

        // Same size, new modification time: the stamp differs, the re-hash finds the damage.
        Path f = dir.resolve("extra.bin");
        Files.writeString(f, "HELLOHELLO");
        assertThat(store.lookup("k1")).isEmpty();

        // Another artifact: one byte appended (size differs).
        String d2 = commit(store, "k2", "world");
        age(store.artifactDir(d2));
        assertThat(store.lookup("k2")).hasValue(d2);
        Files.write(store.artifactDir(d2).resolve("part-0.txt"), new byte[] {1},
                java.nio.file.StandardOpenOption.APPEND);
        Files.setLastModifiedTime(store.artifactDir(d2).resolve("part-0.txt"),
                FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        assertThat(store.lookup("k2")).isEmpty();
        // A deleted file, a deleted manifest.
        String d3 = commit(store, "k3", "three");
        age(store.artifactDir(d3));
        assertThat(store.lookup("k3")).hasValue(d3);
        Files.delete(store.artifactDir(d3).resolve(Manifest.FILE_NAME));
        assertThat(store.lookup("k3")).isEmpty();
    }

    @Test
    void youngFilesGetNoStampSoEveryHitReHashesThem() throws IOException {
        ArtifactStore store = new ArtifactStore(tmp.resolve("store"));
        String digest = commit(store, "k1", "hello");
        assertThat(store.lookup("k1")).hasValue(digest);
        assertThat(Files.exists(tmp.resolve("store/stamps").resolve(digest + ".json"))).isFalse();
        // Damage within the file system's timestamp tick, mtime unchanged: still found, by the re-hash.
        flipKeepingStamp(store.artifactDir(digest).resolve("part-0.txt"));
        assertThat(store.lookup("k1")).isEmpty();
    }

    @Test
    void aDamagedOrForeignStampIsIgnored() throws IOException {
        ArtifactStore store = new ArtifactStore(tmp.resolve("store"));
        String digest = commit(store, "k1", "hello");
        age(store.artifactDir(digest));
        assertThat(store.lookup("k1")).hasValue(digest);
        Path stamp = tmp.resolve("store/stamps").resolve(digest + ".json");
        for (String bad : List.of("{", "{\"files\":{}}", "{\"files\":{\"../../keys/k1.json\":\"1 2 3\"}}")) {
            Files.writeString(stamp, bad, StandardCharsets.UTF_8);
            flipKeepingStamp(store.artifactDir(digest).resolve("part-0.txt"));
            assertThat(store.lookup("k1")).isEmpty(); // no trusted stamp: re-hashed, damage found
            flipKeepingStamp(store.artifactDir(digest).resolve("part-0.txt")); // undo
            assertThat(store.lookup("k1")).hasValue(digest);
        }
    }
}
