package io.sdclr.pipeline.store;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the store relies on from any remote file system (HDFS, S3), run against a real one by each subclass: paths
 * that print as their URI, exclusive creation, missing files, listing, walking, globbing and appending, an
 * {@link ArtifactStore} that commits, verifies, deduplicates and refuses damage, and leases.
 */
public abstract class RemoteStoreContract {
    /** A folder of the remote file system for this class's files, e.g. {@code s3://bucket/test}. */
    protected abstract Path root();

    protected Path fresh(String name) throws Exception {
        Path dir = root().resolve(name + "-" + System.nanoTime());
        Files.createDirectories(dir);
        return dir;
    }

    @Test
    void pathsPrintAsTheirUriAndRoundTrip() {
        Path p = root().resolve("keys").resolve("k.json");
        assertThat(p.toString()).isEqualTo(root().toUri() + "/keys/k.json");
        assertThat(Path.of(URI.create(p.toString()))).isEqualTo(p);
        assertThat(p.startsWith(root())).isTrue();
        assertThat(root().relativize(p).toString()).isEqualTo("keys/k.json");
        assertThat(p.getFileName().toString()).isEqualTo("k.json");
        assertThat(p.getParent()).isEqualTo(root().resolve("keys"));
    }

    @Test
    void createNewIsExclusiveAndMissingFilesAreNoSuchFile() throws Exception {
        Path dir = fresh("create");
        Path f = dir.resolve("a.lease");
        Files.write(f, "one".getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW);
        assertThrows(FileAlreadyExistsException.class,
                () -> Files.write(f, "two".getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW));
        assertThat(Files.readString(f)).isEqualTo("one");
        assertThrows(NoSuchFileException.class, () -> Files.readAllBytes(dir.resolve("absent")));
        assertThat(Files.exists(dir.resolve("absent"))).isFalse();
        assertThat(Files.isRegularFile(f)).isTrue();
        assertThat(Files.isDirectory(dir)).isTrue();
        assertThat(Files.isDirectory(f)).isFalse();
    }

    @Test
    void listingWalkingGlobbingAndAppending() throws Exception {
        Path dir = fresh("list");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("checkpoint-epoch-1.bin"), "x");
        Files.writeString(dir.resolve("other.txt"), "y");
        Files.writeString(dir.resolve("sub/deep.txt"), "z");
        List<String> globbed = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "checkpoint-epoch-*.bin")) {
            ds.forEach(p -> globbed.add(p.getFileName().toString()));
        }
        assertThat(globbed).containsExactly("checkpoint-epoch-1.bin");
        try (Stream<Path> s = Files.walk(dir)) {
            assertThat(s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).toList())
                    .containsExactly("checkpoint-epoch-1.bin", "other.txt", "sub/deep.txt");
        }
        Path log = dir.resolve("progress.log");
        Files.writeString(log, "one\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Files.writeString(log, "two\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        assertThat(Files.readString(log)).isEqualTo("one\ntwo\n");
        assertThat(Files.size(log)).isEqualTo(8);
    }

    @Test
    void aStoreCommitsVerifiesDeduplicatesAndRefusesDamage() throws Exception {
        ArtifactStore store = new ArtifactStore(fresh("store"));
        Path staging = store.newStaging("s");
        Files.writeString(staging.resolve("encoder.params"), "weights");
        String digest = store.commit(staging, "key1", "test/s");
        assertThat(Files.exists(staging)).isFalse();
        assertThat(store.lookup("key1")).isEqualTo(Optional.of(digest));
        assertThat(store.verify(digest)).isTrue();
        assertThat(Files.readString(store.artifactDir(digest).resolve("encoder.params"))).isEqualTo("weights");
        // The same content committed again under another key: one artifact, two keys.
        Path again = store.newStaging("s");
        Files.writeString(again.resolve("encoder.params"), "weights");
        assertThat(store.commit(again, "key2", "test/s")).isEqualTo(digest);
        assertThat(store.lookup("key2")).isEqualTo(Optional.of(digest));
        assertThat(store.verifyAll()).isEmpty();
        // A damaged file is a miss.
        Files.writeString(store.artifactDir(digest).resolve("encoder.params"), "WEIGHTS");
        store.verifyEveryHit();
        assertThat(store.lookup("key1")).isEmpty();
    }

    @Test
    void aLeaseIsExclusiveReleasedAndTakenOverFromADeadOwner() throws Exception {
        Path file = fresh("lease").resolve("k.lease");
        try (Lease held = Lease.acquire(file, "run-1", o -> {})) {
            assertThat(Lease.tryAcquire(file, "run-2")).isEmpty();
            assertThat(Lease.liveHolder(file).orElseThrow()).startsWith("run-1 ");
        }
        assertThat(Files.exists(file)).isFalse();
        Optional<Lease> second = Lease.tryAcquire(file, "run-2");
        assertThat(second).isPresent();
        second.get().close();
        // A lease left by a process of this host that is gone (kill -9) is taken over at once.
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String host = java.lang.management.ManagementFactory.getRuntimeMXBean().getName().replaceAll("^[0-9]+@", "");
        Files.writeString(file, "run-x " + gone.pid() + "@" + host + " 1");
        Optional<Lease> taken = Lease.tryAcquire(file, "run-3");
        assertThat(taken).isPresent();
        assertThat(Files.readString(file)).startsWith("run-3 ");
        taken.get().close();
    }
}
