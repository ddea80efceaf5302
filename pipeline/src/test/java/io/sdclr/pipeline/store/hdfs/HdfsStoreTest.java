package io.sdclr.pipeline.store.hdfs;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.pipeline.store.RemoteStoreContract;
import java.io.File;
import java.net.URI;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's file operations on a real HDFS (a NameNode and a DataNode in this JVM): what the commit protocol and
 * the leases rely on keeps its meaning there ({@link RemoteStoreContract}), and HDFS's own: atomic renames of files
 * and folders, modification times set as asked, free space.
 */
class HdfsStoreTest extends RemoteStoreContract {
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

    @Override
    protected Path root() {
        return root;
    }

    @Test
    void pathsNameTheNameNode() {
        assertThat(root.resolve("k.json").toString())
                .isEqualTo("hdfs://localhost:" + cluster.getNameNodePort() + "/test/k.json");
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
    void timesAreSetAsAskedAndTheNamespaceHasFreeSpace() throws Exception {
        Path log = fresh("times").resolve("progress.log");
        Files.writeString(log, "x");
        FileTime t = FileTime.fromMillis(1_700_000_000_000L);
        Files.setLastModifiedTime(log, t);
        assertThat(Files.getLastModifiedTime(log)).isEqualTo(t);
        assertThat(Files.getFileStore(log.getParent()).getUsableSpace()).isGreaterThan(0L);
    }
}
