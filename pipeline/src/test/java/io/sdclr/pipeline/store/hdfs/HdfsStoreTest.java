package io.sdclr.pipeline.store.hdfs;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.pipeline.store.ArtifactStore;
import io.sdclr.pipeline.store.Lease;
import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's file operations on a real HDFS (a NameNode and a DataNode in this JVM): what the commit protocol and
 * the leases rely on keeps its meaning there.
 */
class HdfsStoreTest {
    @TempDir static File base;
    static MiniDFSCluster cluster;
    static Path root;

    @BeforeAll
    static void startHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getAbsolutePath());
        conf.setBoolean("dfs.permissions.enabled", false);
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        root = Path.of(URI.create("hdfs://localhost:" + cluster.getNameNodePort() + "/test"));
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    private static Path fresh(String name) throws Exception {
        Path dir = root.resolve(name + "-" + System.nanoTime());
        Files.createDirectories(dir);
        return dir;
    }

    @Test
    void pathsPrintAsTheirUriAndRoundTrip() {
        Path p = root.resolve("keys").resolve("k.json");
        assertThat(p.toString()).isEqualTo("hdfs://localhost:" + cluster.getNameNodePort() + "/test/keys/k.json");
        assertThat(Path.of(URI.create(p.toString()))).isEqualTo(p);
        assertThat(p.startsWith(root)).isTrue();
        assertThat(root.relativize(p).toString()).isEqualTo("keys/k.json");
        assertThat(p.getFileName().toString()).isEqualTo("k.json");
        assertThat(p.getParent()).isEqualTo(root.resolve("keys"));
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
    }

    @Test
    void moveIsAnAtomicRenameThatNeverMovesIntoAnExistingDirectory() throws Exception {
        Path dir = fresh("move");
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Files.createDirectories(a);
        Files.writeString(a.resolve("f.txt"), "A");
        Files.createDirectories(b);
        Files.writeString(b.resolve("f.txt"), "B");
        assertThrows(FileAlreadyExistsException.class, () -> Files.move(a, b, StandardCopyOption.ATOMIC_MOVE));
        assertThat(Files.exists(b.resolve("a"))).isFalse();
        Path c = dir.resolve("c");
        Files.move(a, c, StandardCopyOption.ATOMIC_MOVE);
        assertThat(Files.readString(c.resolve("f.txt"))).isEqualTo("A");
        assertThat(Files.exists(a)).isFalse();
        // A file replaced in one step (keys/KEY.json).
        Files.move(c.resolve("f.txt"), b.resolve("f.txt"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.readString(b.resolve("f.txt"))).isEqualTo("A");
        assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(b));
        assertThrows(NoSuchFileException.class, () -> Files.delete(dir.resolve("absent")));
    }

    @Test
    void listingWalkingGlobbingAppendingAndTimes() throws Exception {
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
        FileTime t = FileTime.fromMillis(1_700_000_000_000L);
        Files.setLastModifiedTime(log, t);
        assertThat(Files.getLastModifiedTime(log)).isEqualTo(t);
        assertThat(Files.size(log)).isEqualTo(8);
        assertThat(Files.getFileStore(dir).getUsableSpace()).isGreaterThan(0L);
    }

    @Test
    void aStoreOnHdfsCommitsVerifiesAndFindsItsArtifacts() throws Exception {
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
        // A damaged file is a miss.
        Files.writeString(store.artifactDir(digest).resolve("encoder.params"), "WEIGHTS");
        store.verifyEveryHit();
        assertThat(store.lookup("key1")).isEmpty();
    }

    @Test
    void aLeaseOnHdfsIsExclusiveAndReleased() throws Exception {
        Path file = fresh("lease").resolve("k.lease");
        try (Lease held = Lease.acquire(file, "run-1", o -> {})) {
            assertThat(Lease.tryAcquire(file, "run-2")).isEmpty();
            assertThat(Lease.liveHolder(file).orElseThrow()).startsWith("run-1 ");
        }
        assertThat(Files.exists(file)).isFalse();
        Optional<Lease> second = Lease.tryAcquire(file, "run-2");
        assertThat(second).isPresent();
        second.get().close();
    }
}
