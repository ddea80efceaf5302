package io.sdclr.pipeline.store.hdfs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
public final class HadoopFileSystemProvider extends FileSystemProvider {
    private final Map<String, HadoopNioFileSystem> systems = new ConcurrentHashMap<>();

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
        if (path instanceof HadoopPath h) {
            Configuration c = configuration();
            c.set("fs.defaultFS", "hdfs://" + h.getFileSystem().authority());
            options.as(HadoopFileSystemOptions.class).setHdfsConfiguration(List.of(c));
        }
    }

    @Override
    public HadoopNioFileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
        String authority = authorityOf(uri);
        if (systems.containsKey(authority)) {
            throw new FileSystemAlreadyExistsException(uri.toString());
        }
        return open(authority);
    }

    @Override
    public HadoopNioFileSystem getFileSystem(URI uri) {
        try {
            return open(authorityOf(uri));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open " + uri, e);
        }
    }

    private synchronized HadoopNioFileSystem open(String authority) throws IOException {
        HadoopNioFileSystem fs = systems.get(authority);
        if (fs == null) {
            URI root = URI.create(getScheme() + "://" + authority + "/");
            Configuration conf = configuration();
            fs = new HadoopNioFileSystem(this, authority, org.apache.hadoop.fs.FileSystem.newInstance(root, conf),
                    FileContext.getFileContext(root, conf));
            systems.put(authority, fs);
        }
        return fs;
    }

    void forget(HadoopNioFileSystem fs) {
        systems.remove(fs.authority(), fs);
    }

    private String authorityOf(URI uri) {
        if (!getScheme().equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not an " + getScheme() + ":// URI: " + uri);
        }
        if (uri.getAuthority() == null || uri.getAuthority().isEmpty()) {
            throw new IllegalArgumentException(uri + " names no NameNode: expected hdfs://HOST:PORT/PATH");
        }
        return uri.getAuthority();
    }

    @Override
    public Path getPath(URI uri) {
        String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        return getFileSystem(uri).getPath(path);
    }

    private static HadoopPath cast(Path p) {
        if (p instanceof HadoopPath h) {
            return h.toAbsolutePath();
        }
        throw new ProviderMismatchException(p + " is not an hdfs:// path");
    }

    private static org.apache.hadoop.fs.FileSystem hadoop(HadoopPath p) {
        return p.getFileSystem().hadoop();
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
        HadoopPath p = cast(path);
        try {
            return hadoop(p).open(p.hadoop());
        } catch (IOException e) {
            throw translate(e, p, null);
        }
    }

    @Override
    public OutputStream newOutputStream(Path path, OpenOption... options) throws IOException {
        HadoopPath p = cast(path);
        Set<OpenOption> opts = options.length == 0
                ? Set.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)
                : Set.of(options);
        org.apache.hadoop.fs.FileSystem fs = hadoop(p);
        try {
            if (opts.contains(StandardOpenOption.CREATE_NEW)) {
                return fs.create(p.hadoop(), false);
            }
            boolean exists = fs.exists(p.hadoop());
            if (!exists && !opts.contains(StandardOpenOption.CREATE)) {
                throw new NoSuchFileException(p.toString());
            }
            if (opts.contains(StandardOpenOption.APPEND) && exists) {
                return new Appending(p, readAllBytes(p));
            }
            return fs.create(p.hadoop(), true);
        } catch (IOException e) {
            throw translate(e, p, null);
        }
    }

    private byte[] readAllBytes(HadoopPath p) throws IOException {
        try (InputStream in = newInputStream(p)) {
            return in.readAllBytes();
        }
    }

    /**
     * Appending to a small file (a step's progress lines): HDFS's own append re-opens the last block's write
     * pipeline, which fails on a cluster with fewer DataNodes than the replication asks for; so the file is rewritten
     * whole, to a temporary file renamed over it on close. A reader sees the old or the new file, never a part.
     */
    private final class Appending extends java.io.ByteArrayOutputStream {
        private final HadoopPath target;
        private boolean closed;

        Appending(HadoopPath target, byte[] existing) {
            super(existing.length + 256);
            this.target = target;
            writeBytes(existing);
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            HadoopPath tmp = (HadoopPath) target.resolveSibling("." + target.getFileName() + "."
                    + java.util.UUID.randomUUID() + ".tmp");
            try (OutputStream out = hadoop(target).create(tmp.hadoop(), false)) {
                writeTo(out);
            } catch (IOException e) {
                throw translate(e, tmp, null);
            }
            move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
            FileAttribute<?>... attrs) throws IOException {
        HadoopPath p = cast(path);
        if (options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND)) {
            return new WriteChannel(newOutputStream(p, options.toArray(new OpenOption[0])));
        }
        try {
            FileStatus st = hadoop(p).getFileStatus(p.hadoop());
            if (st.isDirectory()) {
                throw new IOException(p + " is a directory");
            }
            return new ReadChannel(hadoop(p).open(p.hadoop()), st.getLen());
        } catch (IOException e) {
            throw translate(e, p, null);
        }
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        HadoopPath d = cast(dir);
        FileStatus[] listed;
        try {
            if (!hadoop(d).getFileStatus(d.hadoop()).isDirectory()) {
                throw new NotDirectoryException(d.toString());
            }
            listed = hadoop(d).listStatus(d.hadoop());
        } catch (IOException e) {
            throw translate(e, d, null);
        }
        List<Path> entries = new ArrayList<>();
        for (FileStatus s : listed) {
            Path child = dir.resolve(s.getPath().getName());
            if (filter.accept(child)) {
                entries.add(child);
            }
        }
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                return entries.iterator();
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        HadoopPath d = cast(dir);
        org.apache.hadoop.fs.FileSystem fs = hadoop(d);
        try {
            if (fs.exists(d.hadoop())) {
                throw new FileAlreadyExistsException(d.toString());
            }
            if (d.getParent() != null && !fs.exists(d.getParent().hadoop())) {
                throw new NoSuchFileException(d.getParent().toString());
            }
            if (!fs.mkdirs(d.hadoop())) {
                throw new IOException("cannot create directory " + d);
            }
        } catch (IOException e) {
            throw translate(e, d, null);
        }
    }

    @Override
    public void delete(Path path) throws IOException {
        HadoopPath p = cast(path);
        try {
            if (!hadoop(p).delete(p.hadoop(), false)) {
                throw new NoSuchFileException(p.toString());
            }
        } catch (IOException e) {
            throw translate(e, p, null);
        }
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        HadoopPath s = cast(source);
        HadoopPath t = cast(target);
        boolean replace = Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING);
        try (InputStream in = newInputStream(s);
                OutputStream out = newOutputStream(t, replace ? new OpenOption[0]
                        : new OpenOption[] {StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE})) {
            in.transferTo(out);
        }
    }

    /**
     * HDFS's atomic rename, for a file or a whole directory. Without {@code REPLACE_EXISTING} it fails with
     * {@link FileAlreadyExistsException} when the target exists (a directory is never moved into it); with it, a
     * file target is replaced in the same step.
     */
    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        HadoopPath s = cast(source);
        HadoopPath t = cast(target);
        boolean replace = Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING);
        try {
            s.getFileSystem().context().rename(s.hadoop(), t.hadoop(),
                    replace ? Options.Rename.OVERWRITE : Options.Rename.NONE);
        } catch (IOException e) {
            throw translate(e, s, t);
        }
    }

    @Override
    public boolean isSameFile(Path path, Path path2) {
        return path.equals(path2);
    }

    @Override
    public boolean isHidden(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    /** The whole namespace as one store: its capacity and what the DataNodes have left. */
    @Override
    public FileStore getFileStore(Path path) throws IOException {
        HadoopPath p = cast(path);
        org.apache.hadoop.fs.FsStatus st = hadoop(p).getStatus(p.hadoop());
        return new FileStore() {
            @Override
            public String name() {
                return p.getFileSystem().toString();
            }

            @Override
            public String type() {
                return "hdfs";
            }

            @Override
            public boolean isReadOnly() {
                return false;
            }

            @Override
            public long getTotalSpace() {
                return st.getCapacity();
            }

            @Override
            public long getUsableSpace() {
                return st.getRemaining();
            }

            @Override
            public long getUnallocatedSpace() {
                return st.getRemaining();
            }

            @Override
            public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
                return type == BasicFileAttributeView.class;
            }

            @Override
            public boolean supportsFileAttributeView(String name) {
                return name.equals("basic");
            }

            @Override
            public <V extends java.nio.file.attribute.FileStoreAttributeView> V getFileStoreAttributeView(
                    Class<V> type) {
                return null;
            }

            @Override
            public Object getAttribute(String attribute) {
                throw new UnsupportedOperationException(attribute);
            }
        };
    }

    /** Only existence is checked: HDFS permissions are the NameNode's business and fail the call itself. */
    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        HadoopPath p = cast(path);
        try {
            hadoop(p).getFileStatus(p.hadoop());
        } catch (IOException e) {
            throw translate(e, p, null);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        if (type != BasicFileAttributeView.class) {
            return null;
        }
        HadoopPath p = cast(path);
        return (V) new BasicFileAttributeView() {
            @Override
            public String name() {
                return "basic";
            }

            @Override
            public BasicFileAttributes readAttributes() throws IOException {
                return HadoopFileSystemProvider.this.readAttributes(p, BasicFileAttributes.class);
            }

            @Override
            public void setTimes(FileTime lastModified, FileTime lastAccess, FileTime create) throws IOException {
                try {
                    hadoop(p).setTimes(p.hadoop(), lastModified == null ? -1 : lastModified.toMillis(),
                            lastAccess == null ? -1 : lastAccess.toMillis());
                } catch (IOException e) {
                    throw translate(e, p, null);
                }
            }
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        if (type != BasicFileAttributes.class) {
            throw new UnsupportedOperationException("HDFS paths have basic attributes only, not " + type.getName());
        }
        HadoopPath p = cast(path);
        FileStatus st;
        try {
            st = hadoop(p).getFileStatus(p.hadoop());
        } catch (IOException e) {
            throw translate(e, p, null);
        }
        return (A) new Attributes(st);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
            throws IOException {
        BasicFileAttributes a = readAttributes(path, BasicFileAttributes.class, options);
        Map<String, Object> all = new HashMap<>();
        all.put("size", a.size());
        all.put("lastModifiedTime", a.lastModifiedTime());
        all.put("lastAccessTime", a.lastAccessTime());
        all.put("creationTime", a.creationTime());
        all.put("isRegularFile", a.isRegularFile());
        all.put("isDirectory", a.isDirectory());
        all.put("isSymbolicLink", false);
        all.put("isOther", false);
        all.put("fileKey", null);
        String names = attributes.startsWith("basic:") ? attributes.substring(6) : attributes;
        if (names.equals("*")) {
            return all;
        }
        Map<String, Object> out = new HashMap<>();
        for (String n : names.split(",")) {
            if (!all.containsKey(n)) {
                throw new IllegalArgumentException("no attribute " + n + " on HDFS paths");
            }
            out.put(n, all.get(n));
        }
        return out;
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
        throw new UnsupportedOperationException("attributes of HDFS paths are read-only here, except times");
    }

    /** A file's attributes from its {@link FileStatus}; HDFS has no file key and no links. */
    private record Attributes(FileStatus st) implements BasicFileAttributes {
        @Override
        public FileTime lastModifiedTime() {
            return FileTime.fromMillis(st.getModificationTime());
        }

        @Override
        public FileTime lastAccessTime() {
            return FileTime.fromMillis(st.getAccessTime());
        }

        @Override
        public FileTime creationTime() {
            return lastModifiedTime();
        }

        @Override
        public boolean isRegularFile() {
            return st.isFile();
        }

        @Override
        public boolean isDirectory() {
            return st.isDirectory();
        }

        @Override
        public boolean isSymbolicLink() {
            return false;
        }

        @Override
        public boolean isOther() {
            return false;
        }

        @Override
        public long size() {
            return st.getLen();
        }

        @Override
        public Object fileKey() {
            return null;
        }
    }

    /** Reading with {@code position}: HDFS streams seek. */
    private static final class ReadChannel implements SeekableByteChannel {
        private final FSDataInputStream in;
        private final long size;
        private boolean open = true;

        ReadChannel(FSDataInputStream in, long size) {
            this.in = in;
            this.size = size;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            byte[] buf = new byte[Math.min(dst.remaining(), 1 << 16)];
            int n = in.read(buf, 0, buf.length);
            if (n > 0) {
                dst.put(buf, 0, n);
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new NonWritableChannelException();
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
        public long size() {
            return size;
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() throws IOException {
            open = false;
            in.close();
        }
    }

    /** Writing front to back: HDFS files are written once, in order. */
    private static final class WriteChannel implements SeekableByteChannel {
        private final WritableByteChannel out;
        private long written;

        WriteChannel(OutputStream out) {
            this.out = Channels.newChannel(out);
        }

        @Override
        public int read(ByteBuffer dst) {
            throw new java.nio.channels.NonReadableChannelException();
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = out.write(src);
            written += n;
            return n;
        }

        @Override
        public long position() {
            return written;
        }

        @Override
        public SeekableByteChannel position(long newPosition) {
            throw new UnsupportedOperationException("HDFS files are written in order");
        }

        @Override
        public long size() {
            return written;
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new UnsupportedOperationException("HDFS files are written in order");
        }

        @Override
        public boolean isOpen() {
            return out.isOpen();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
