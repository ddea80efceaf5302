package io.sdclr.pipeline.store.hdfs;

import io.sdclr.pipeline.store.remote.RemoteFileSystemProvider;
import io.sdclr.pipeline.store.remote.RemotePath;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.io.hdfs.HadoopFileSystemOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.PathIsNotEmptyDirectoryException;
import org.apache.hadoop.ipc.RemoteException;

/**
 * {@code hdfs://} paths for {@code java.nio.file}: the artifact store, the steps' side files and checkpoints use
 * the same {@code Files} calls on HDFS as on a local disk. Registered as a service, so {@code Path.of(URI)} finds it
 * in every JVM that has sdclr on its class path (the client, Flink's TaskManagers).
 *
 * <p>What the store relies on keeps its meaning: creating a file with {@code CREATE_NEW} is exclusive (a lease),
 * {@code move} with {@code ATOMIC_MOVE} is HDFS's atomic rename (a file or a whole directory; without
 * {@code REPLACE_EXISTING} it fails when the target exists), a missing file is {@link NoSuchFileException}. Files
 * have no owner, permissions or links here; a modification time can be set (a lease's heartbeat).
 *
 * <p>Hadoop's client reads {@code core-site.xml} and {@code hdfs-site.xml} from {@code $HADOOP_CONF_DIR} when it is
 * set; otherwise the URI's authority ({@code namenode:9000}) is all it needs.
 */
public final class HadoopFileSystemProvider extends RemoteFileSystemProvider<HadoopNioFileSystem> {

    @Override
    public String getScheme() {
        return "hdfs";
    }

    /**
     * Hadoop's settings for sdclr's use: those of {@code $HADOOP_CONF_DIR} when set, and a client that gives up on
     * an unreachable NameNode after a few seconds (a bad {@code --store} is an input error, not a long hang) unless
     * those files say otherwise.
     */
    public static Configuration configuration() {
        Configuration c = new Configuration();
        String dir = System.getenv("HADOOP_CONF_DIR");
        if (dir != null && !dir.isBlank()) {
            for (String name : List.of("core-site.xml", "hdfs-site.xml")) {
                if (java.nio.file.Files.isRegularFile(java.nio.file.Path.of(dir, name))) {
                    c.addResource(new org.apache.hadoop.fs.Path(dir, name));
                }
            }
        }
        Map<String, String> quick = Map.of(
                "ipc.client.connect.max.retries", "2",
                "ipc.client.connect.retry.interval", "500",
                "ipc.client.connect.max.retries.on.timeouts", "2",
                "ipc.client.connect.timeout", "5000");
        quick.forEach((k, v) -> {
            String[] sources = c.getPropertySources(k);
            if (sources == null || Arrays.stream(sources).allMatch(s -> s.endsWith("-default.xml"))) {
                c.set(k, v);
            }
        });
        return c;
    }

    /**
     * Lets Beam's own file systems ({@code AvroIO} reading and writing the steps' records) reach the HDFS namespace
     * of {@code path}; nothing for a path of another file system.
     */
    public static void configureBeam(Path path, PipelineOptions options) {
        if (path instanceof RemotePath h && h.getFileSystem() instanceof HadoopNioFileSystem fs) {
            Configuration c = configuration();
            c.set("fs.defaultFS", "hdfs://" + fs.authority());
            options.as(HadoopFileSystemOptions.class).setHdfsConfiguration(List.of(c));
        }
    }

    @Override
    protected HadoopNioFileSystem connect(String authority) throws IOException {
        URI root = URI.create(getScheme() + "://" + authority + "/");
        Configuration conf = configuration();
        return new HadoopNioFileSystem(this, authority, org.apache.hadoop.fs.FileSystem.newInstance(root, conf),
                FileContext.getFileContext(root, conf));
    }

    @Override
    protected String expectedUri() {
        return "hdfs://HOST:PORT/PATH";
    }

    private org.apache.hadoop.fs.FileSystem hadoop(RemotePath p) {
        return fs(p).hadoop();
    }

    /** The path as Hadoop names it. */
    private static org.apache.hadoop.fs.Path hpath(RemotePath p) {
        return new org.apache.hadoop.fs.Path(p.toAbsolutePath().toUri());
    }

    /** Hadoop's exceptions as {@code java.nio.file} names them, so that callers' {@code catch} clauses still apply. */
    static IOException translate(IOException e, Path path, Path other) {
        IOException cause = e instanceof RemoteException re ? re.unwrapRemoteException() : e;
        String p = String.valueOf(path);
        String o = other == null ? null : other.toString();
        IOException out;
        if (cause instanceof org.apache.hadoop.fs.FileAlreadyExistsException) {
            out = new FileAlreadyExistsException(o != null ? o : p, null, cause.getMessage());
        } else if (cause instanceof FileNotFoundException) {
            out = new NoSuchFileException(p, o, cause.getMessage());
        } else if (cause instanceof PathIsNotEmptyDirectoryException) {
            out = new DirectoryNotEmptyException(p);
        } else if (cause instanceof org.apache.hadoop.fs.ParentNotDirectoryException) {
            out = new NotDirectoryException(p);
        } else {
            return cause;
        }
        out.initCause(cause);
        return out;
    }

    @Override
    public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
        RemotePath p = cast(path);
        try {
            return hadoop(p).open(hpath(p));
        } catch (IOException e) {
            throw translate(e, p, null);
        }
    }

    @Override
    public OutputStream newOutputStream(Path path, OpenOption... options) throws IOException {
        RemotePath p = cast(path);
        Set<OpenOption> opts = writeOptions(options);
        org.apache.hadoop.fs.FileSystem fs = hadoop(p);
        try {
            if (opts.contains(StandardOpenOption.CREATE_NEW)) {
                return fs.create(hpath(p), false);
            }
            boolean exists = fs.exists(hpath(p));
            if (!exists && !opts.contains(StandardOpenOption.CREATE)) {
                throw new NoSuchFileException(p.toString());
            }
            if (opts.contains(StandardOpenOption.APPEND) && exists) {
                return appending(p, whole -> replace(p, whole));
            }
            return fs.create(hpath(p), true);
        } catch (IOException e) {
            throw translate(e, p, null);
        }
    }

    /**
     * Replaces a small file (a step's progress lines, appended to) whole: HDFS's own append re-opens the last block's
     * write pipeline, which fails on a cluster with fewer DataNodes than the replication asks for; so the bytes go to
     * a temporary file renamed over the target.
     */
    private void replace(RemotePath target, byte[] whole) throws IOException {
        RemotePath tmp = (RemotePath) target.resolveSibling("." + target.getFileName() + "."
                + java.util.UUID.randomUUID() + ".tmp");
        try (OutputStream out = hadoop(target).create(hpath(tmp), false)) {
            out.write(whole);
        } catch (IOException e) {
            throw translate(e, tmp, null);
        }
        move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    protected SeekableByteChannel readChannel(RemotePath p) throws IOException {
        try {
            FileStatus st = hadoop(p).getFileStatus(hpath(p));
            if (st.isDirectory()) {
                throw new IOException(p + " is a directory");
            }
            return new HdfsReadChannel(hadoop(p).open(hpath(p)), st.getLen());
        } catch (IOException e) {
            throw translate(e, p, null);
        }
    }

    @Override
    protected List<String> list(RemotePath d) throws IOException {
        try {
            if (!hadoop(d).getFileStatus(hpath(d)).isDirectory()) {
                throw new NotDirectoryException(d.toString());
            }
            List<String> names = new ArrayList<>();
            for (FileStatus s : hadoop(d).listStatus(hpath(d))) {
                names.add(s.getPath().getName());
            }
            return names;
        } catch (IOException e) {
            throw translate(e, d, null);
        }
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        RemotePath d = cast(dir);
        org.apache.hadoop.fs.FileSystem fs = hadoop(d);
        try {
            if (fs.exists(hpath(d))) {
                throw new FileAlreadyExistsException(d.toString());
            }
            if (d.getParent() != null && !fs.exists(hpath(d.getParent()))) {
                throw new NoSuchFileException(d.getParent().toString());
            }
            if (!fs.mkdirs(hpath(d))) {
                throw new IOException("cannot create directory " + d);
            }
        } catch (IOException e) {
            throw translate(e, d, null);
        }
    }

    @Override
    public void delete(Path path) throws IOException {
        RemotePath p = cast(path);
        try {
            if (!hadoop(p).delete(hpath(p), false)) {
                throw new NoSuchFileException(p.toString());
            }
        } catch (IOException e) {
            throw translate(e, p, null);
        }
    }

    /**
     * HDFS's atomic rename, for a file or a whole directory. Without {@code REPLACE_EXISTING} it fails with
     * {@link FileAlreadyExistsException} when the target exists (a directory is never moved into it); with it, a
     * file target is replaced in the same step.
     */
    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        RemotePath s = cast(source);
        RemotePath t = cast(target);
        boolean replace = Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING);
        try {
            fs(s).context().rename(hpath(s), hpath(t),
                    replace ? Options.Rename.OVERWRITE : Options.Rename.NONE);
        } catch (IOException e) {
            throw translate(e, s, t);
        }
    }

    /** The whole namespace's capacity and what the DataNodes have left. */
    @Override
    protected long[] space(RemotePath p) throws IOException {
        org.apache.hadoop.fs.FsStatus st = hadoop(p).getStatus(hpath(p));
        return new long[] {st.getCapacity(), st.getRemaining()};
    }

    @Override
    protected void setModified(RemotePath p, FileTime time) throws IOException {
        try {
            hadoop(p).setTimes(hpath(p), time.toMillis(), -1);
        } catch (IOException e) {
            throw translate(e, p, null);
        }
    }

    /** A file's attributes from its {@link FileStatus}; HDFS has no file key and no links. */
    @Override
    protected Attributes stat(RemotePath p) throws IOException {
        try {
            FileStatus st = hadoop(p).getFileStatus(hpath(p));
            return new Attributes(st.getLen(), st.getModificationTime(), st.getAccessTime(), st.isDirectory(), null);
        } catch (IOException e) {
            throw translate(e, p, null);
        }
    }

    /** Reading with {@code position}: HDFS streams seek. */
    private static final class HdfsReadChannel extends ReadChannel {
        private final FSDataInputStream in;

        HdfsReadChannel(FSDataInputStream in, long size) {
            super(size);
            this.in = in;
        }

        @Override
        protected int readInto(byte[] buf, int off, int len) throws IOException {
            return in.read(buf, off, len);
        }

        @Override
        public long position() throws IOException {
            return in.getPos();
        }

        @Override
        public SeekableByteChannel position(long newPosition) throws IOException {
            in.seek(newPosition);
            return this;
        }

        @Override
        protected void closeStream() throws IOException {
            in.close();
        }
    }
}
