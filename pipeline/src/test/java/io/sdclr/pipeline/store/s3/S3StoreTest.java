package io.sdclr.pipeline.store.s3;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.pipeline.store.ArtifactStore;
import io.sdclr.pipeline.store.CommitFaults;
import io.sdclr.pipeline.store.RemoteStoreContract;
import io.sdclr.pipeline.store.Manifest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's file operations on a real S3 server ({@code infra/s3}: s3proxy, a separate JVM speaking S3's HTTP API
 * to the AWS SDK): what the commit protocol and the leases rely on keeps its meaning there
 * ({@link RemoteStoreContract}: {@code CREATE_NEW} is a conditional write here), or is replaced by what S3 can do
 * (folders that refuse an atomic move, a manifest published last, times that become now).
 */
class S3StoreTest extends RemoteStoreContract {
    private static final Map<String, String> SETTINGS = Map.of("aws.accessKeyId", "sdclr", "aws.secretAccessKey",
            "sdclr-local-secret");
    @TempDir static Path tmp;
    static Path serverDir;
    static Path root;

    @BeforeAll
    static void startS3() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        serverDir = tmp.resolve("s3");
        Process p = infraS3("start", "--port", String.valueOf(port), "--dir", serverDir.toString(), "--bucket",
                "sdclr-test");
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).isEqualTo(0);
        assertThat(out.strip().lines().reduce((a, b) -> b).orElseThrow()).isEqualTo("s3://sdclr-test");
        SETTINGS.forEach(System::setProperty);
        System.setProperty("aws.endpointUrl", "http://localhost:" + port);
        root = Path.of(URI.create("s3://sdclr-test/test"));
    }

    @AfterAll
    static void stopS3() throws Exception {
        SETTINGS.keySet().forEach(System::clearProperty);
        System.clearProperty("aws.endpointUrl");
        if (serverDir != null) {
            infraS3("stop", "--dir", serverDir.toString()).waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Runs infra/s3 with the s3proxy jar Maven copied into target/s3proxy. */
    static Process infraS3(String... args) throws IOException {
        Path repo = Path.of("").toAbsolutePath();
        while (!Files.isExecutable(repo.resolve("infra/s3"))) {
            repo = repo.getParent();
        }
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("infra/s3").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        try (Stream<Path> jars = Files.list(Path.of("target/s3proxy"))) {
            pb.environment().put("SDCLR_S3PROXY_JAR", jars.findFirst().orElseThrow().toAbsolutePath().toString());
        }
        return pb.start();
    }

    @Override
    protected Path root() {
        return root;
    }

    @Test
    void pathsNameTheBucket() {
        assertThat(root.resolve("k.json").toString()).isEqualTo("s3://sdclr-test/test/k.json");
        assertThat(S3FileSystemProvider.isS3(root)).isTrue();
        assertThat(S3FileSystemProvider.isS3(tmp)).isFalse();
    }

    @Test
    void foldersExistByMarkerOrByPrefix() throws Exception {
        Path dir = fresh("folders");
        assertThrows(NoSuchFileException.class, () -> Files.newOutputStream(dir.resolve("absent"),
                StandardOpenOption.WRITE));
        // A folder made only of an object's prefix (as Beam writes them) exists too.
        Files.writeString(dir.resolve("implicit/deep/x.txt"), "x");
        assertThat(Files.isDirectory(dir.resolve("implicit"))).isTrue();
        assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectory(dir.resolve("implicit")));
        assertThrows(NoSuchFileException.class, () -> Files.createDirectory(dir.resolve("no/parent")));
    }

    @Test
    void filesMoveWholeFoldersRefuseAtomicMovesAndNonEmptyFoldersStay() throws Exception {
        Path dir = fresh("move");
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Files.createDirectories(a);
        Files.writeString(a.resolve("f.txt"), "A");
        Files.createDirectories(b);
        Files.writeString(b.resolve("f.txt"), "B");
        AtomicMoveNotSupportedException atomic = assertThrows(AtomicMoveNotSupportedException.class,
                () -> Files.move(a, dir.resolve("c"), StandardCopyOption.ATOMIC_MOVE));
        assertThat(atomic.getMessage()).contains("S3 cannot move a folder in one step");
        assertThrows(FileAlreadyExistsException.class,
                () -> Files.move(a.resolve("f.txt"), b.resolve("f.txt"), StandardCopyOption.ATOMIC_MOVE));
        assertThat(Files.readString(b.resolve("f.txt"))).isEqualTo("B");
        Files.move(a.resolve("f.txt"), b.resolve("f.txt"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.readString(b.resolve("f.txt"))).isEqualTo("A");
        assertThat(Files.exists(a.resolve("f.txt"))).isFalse();
        Files.move(b, dir.resolve("c"));
        assertThat(Files.readString(dir.resolve("c/f.txt"))).isEqualTo("A");
        assertThat(Files.exists(b)).isFalse();
        assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(dir.resolve("c")));
        assertThrows(NoSuchFileException.class, () -> Files.delete(dir.resolve("absent")));
        Files.delete(a); // Its marker: an empty folder goes.
        assertThat(Files.exists(a)).isFalse();
    }

    @Test
    void seekingTouchingAndLargeWrites() throws Exception {
        Path dir = fresh("seek");
        Path log = dir.resolve("progress.log");
        Files.writeString(log, "one\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Files.writeString(log, "two\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        try (SeekableByteChannel ch = Files.newByteChannel(log)) {
            ch.position(4);
            ByteBuffer buf = ByteBuffer.allocate(16);
            while (ch.read(buf) > 0) {
                // to the end
            }
            assertThat(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8)).isEqualTo("two\n");
        }
        // S3 sets times itself: touching makes the object now's, whatever the time asked for (a heartbeat).
        Object etag = Files.readAttributes(log, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        Files.setLastModifiedTime(log, FileTime.fromMillis(1_700_000_000_000L));
        assertThat(Math.abs(Files.getLastModifiedTime(log).toMillis() - System.currentTimeMillis()))
                .isLessThan(60_000L);
        assertThat(Files.readString(log)).isEqualTo("one\ntwo\n");
        assertThat(etag).isNotNull();
        // Large writes spill to a temporary file before their PUT, and read back whole.
        byte[] big = new byte[9 << 20];
        new java.util.Random(7).nextBytes(big);
        Files.write(dir.resolve("big.bin"), big);
        assertThat(Files.readAllBytes(dir.resolve("big.bin"))).isEqualTo(big);
    }

    /**
     * A crash after the files were copied but before the manifest: the artifact is absent (no key, no manifest), and
     * the next commit of the same content publishes it whole. A damaged file is caught and republished.
     */
    @Test
    void aCommitKilledBeforeItsManifestLeavesNothingThatCounts() throws Exception {
        Path dir = fresh("crash");
        ArtifactStore crashing = new ArtifactStore(dir, CommitFaults.crashAt(
                CommitFaults.Point.BEFORE_PUBLISH_MANIFEST));
        Path staging = crashing.newStaging("s");
        Files.writeString(staging.resolve("encoder.params"), "weights");
        assertThrows(IOException.class, () -> crashing.commit(staging, "key", "test/s"));
        ArtifactStore store = new ArtifactStore(dir);
        assertThat(store.lookup("key")).isEmpty();
        Path again = store.newStaging("s");
        Files.writeString(again.resolve("encoder.params"), "weights");
        String digest = store.commit(again, "key", "test/s");
        assertThat(Files.exists(store.artifactDir(digest).resolve("encoder.params"))).isTrue();
        assertThat(Files.exists(store.artifactDir(digest).resolve(Manifest.FILE_NAME))).isTrue();
        assertThat(store.lookup("key")).isEqualTo(Optional.of(digest));

        Files.writeString(store.artifactDir(digest).resolve("encoder.params"), "damaged");
        store.verifyEveryHit();
        assertThat(store.lookup("key")).isEmpty();
        Path repaired = store.newStaging("s");
        Files.writeString(repaired.resolve("encoder.params"), "weights");
        assertThat(store.commit(repaired, "key", "test/s")).isEqualTo(digest);
        assertThat(store.lookup("key")).isEqualTo(Optional.of(digest));
    }
}
