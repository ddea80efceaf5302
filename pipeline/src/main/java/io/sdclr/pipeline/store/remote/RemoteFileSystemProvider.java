package io.sdclr.pipeline.store.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.LinkOption;
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

/**
 * What the {@code java.nio} providers of remote stores (HDFS, S3) share: one file system per authority, paths,
 * directory streams, attribute views and maps, copies, write channels. A subclass says how to stat, list, read,
 * write, move and delete on its system, and keeps the meaning the store relies on: {@code CREATE_NEW} is exclusive,
 * a missing file is {@link java.nio.file.NoSuchFileException}, a non-empty directory is not deleted.
 */
public abstract class RemoteFileSystemProvider<F extends RemoteFileSystem> extends FileSystemProvider {
    private final Map<String, F> systems = new ConcurrentHashMap<>();

    /** A new file system (and client) for {@code authority}. */
    protected abstract F connect(String authority) throws IOException;

    /** What the URI of this scheme must look like, for an error that names it ({@code hdfs://HOST:PORT/PATH}). */
    protected abstract String expectedUri();

    /** The attributes of a file or directory, or {@link java.nio.file.NoSuchFileException}. */
    protected abstract Attributes stat(RemotePath p) throws IOException;

    /** The names of a directory's entries. */
    protected abstract List<String> list(RemotePath dir) throws IOException;

    /** A channel that reads {@code p} from any position. */
    protected abstract SeekableByteChannel readChannel(RemotePath p) throws IOException;

    /** Sets the modification time (a lease's heartbeat); a system may only be able to set it to now. */
    protected abstract void setModified(RemotePath p, FileTime time) throws IOException;

    /** Capacity and free bytes, for {@code doctor}. */
    protected abstract long[] space(RemotePath p) throws IOException;

    @Override
    public F newFileSystem(URI uri, Map<String, ?> env) throws IOException {
        String authority = authorityOf(uri);
        if (systems.containsKey(authority)) {
            throw new FileSystemAlreadyExistsException(uri.toString());
        }
        return open(authority);
    }

    @Override
    public F getFileSystem(URI uri) {
        try {
            return open(authorityOf(uri));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open " + uri, e);
        }
    }

    private synchronized F open(String authority) throws IOException {
        F fs = systems.get(authority);
        if (fs == null) {
            fs = connect(authority);
            systems.put(authority, fs);
        }
        return fs;
    }

    void forget(RemoteFileSystem fs) {
        systems.remove(fs.authority(), fs);
    }

    private String authorityOf(URI uri) {
        if (!getScheme().equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not an " + getScheme() + ":// URI: " + uri);
        }
        if (uri.getAuthority() == null || uri.getAuthority().isEmpty()) {
            throw new IllegalArgumentException(uri + " names no " + (getScheme().equals("hdfs") ? "NameNode" : "bucket")
                    + ": expected " + expectedUri());
        }
        return uri.getAuthority();
    }

    @Override
    public Path getPath(URI uri) {
        String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        return getFileSystem(uri).getPath(path);
    }

    /** {@code p} as an absolute path of this provider. */
    protected RemotePath cast(Path p) {
        if (p instanceof RemotePath r && r.getFileSystem().provider() == this) {
            return r.toAbsolutePath();
        }
        throw new ProviderMismatchException(p + " is not an " + getScheme() + ":// path");
    }

    /** The file system of {@code p}, with its client. */
    @SuppressWarnings("unchecked")
    protected F fs(RemotePath p) {
        return (F) p.getFileSystem();
    }

    /** The open options as {@code Files.newOutputStream} means them when none are given. */
    protected static Set<OpenOption> writeOptions(OpenOption... options) {
        return options.length == 0
                ? Set.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)
                : Set.of(options);
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
            FileAttribute<?>... attrs) throws IOException {
        RemotePath p = cast(path);
        if (options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND)) {
            return new WriteChannel(newOutputStream(p, options.toArray(new OpenOption[0])));
        }
        return readChannel(p);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        RemotePath d = cast(dir);
        List<Path> entries = new ArrayList<>();
        for (String name : list(d)) {
            Path child = dir.resolve(name);
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
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        RemotePath s = cast(source);
        RemotePath t = cast(target);
        boolean replace = Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING);
        try (InputStream in = newInputStream(s);
                OutputStream out = newOutputStream(t, replace ? new OpenOption[0]
                        : new OpenOption[] {StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE})) {
            in.transferTo(out);
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

    /** The whole namespace as one store. */
    @Override
    public FileStore getFileStore(Path path) throws IOException {
        RemotePath p = cast(path);
        long[] space = space(p);
        return new FileStore() {
            @Override
            public String name() {
                return p.getFileSystem().toString();
            }

            @Override
            public String type() {
                return getScheme();
            }

            @Override
            public boolean isReadOnly() {
                return false;
            }

            @Override
            public long getTotalSpace() {
                return space[0];
            }

            @Override
            public long getUsableSpace() {
                return space[1];
            }

            @Override
            public long getUnallocatedSpace() {
                return space[1];
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

    /** Only existence is checked: permissions are the remote system's business and fail the call itself. */
    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        stat(cast(path));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        if (type != BasicFileAttributeView.class) {
            return null;
        }
        RemotePath p = cast(path);
        return (V) new BasicFileAttributeView() {
            @Override
            public String name() {
                return "basic";
            }

            @Override
            public BasicFileAttributes readAttributes() throws IOException {
                return stat(p);
            }

            @Override
            public void setTimes(FileTime lastModified, FileTime lastAccess, FileTime create) throws IOException {
                if (lastModified != null) {
                    setModified(p, lastModified);
                }
            }
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        if (type != BasicFileAttributes.class) {
            throw new UnsupportedOperationException(getScheme() + ":// paths have basic attributes only, not "
                    + type.getName());
        }
        return (A) stat(cast(path));
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
        all.put("fileKey", a.fileKey());
        String names = attributes.startsWith("basic:") ? attributes.substring(6) : attributes;
        if (names.equals("*")) {
            return all;
        }
        Map<String, Object> out = new HashMap<>();
        for (String n : names.split(",")) {
            if (!all.containsKey(n)) {
                throw new IllegalArgumentException("no attribute " + n + " on " + getScheme() + ":// paths");
            }
            out.put(n, all.get(n));
        }
        return out;
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
        throw new UnsupportedOperationException("attributes of " + getScheme() + ":// paths are read-only here, "
                + "except the modification time");
    }

    /**
     * A file's or directory's attributes. No links; {@code key} is what changes when a file is rewritten in place
     * (S3's ETag), or null.
     */
    public record Attributes(long size, long modifiedMillis, long accessedMillis, boolean directory, Object key)
            implements BasicFileAttributes {
        public static Attributes directory(long modifiedMillis) {
            return new Attributes(0, modifiedMillis, modifiedMillis, true, null);
        }

        @Override
        public FileTime lastModifiedTime() {
            return FileTime.fromMillis(modifiedMillis);
        }

        @Override
        public FileTime lastAccessTime() {
            return FileTime.fromMillis(accessedMillis);
        }

        @Override
        public FileTime creationTime() {
            return lastModifiedTime();
        }

        @Override
        public boolean isRegularFile() {
            return !directory;
        }

        @Override
        public boolean isDirectory() {
            return directory;
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
        public Object fileKey() {
            return key;
        }
    }

    /**
     * Appending to the existing small file {@code p} (a step's progress lines) by rewriting it whole: what it holds,
     * then what is written, handed to {@code publish} on close, which must replace the file in one step so that a
     * reader sees the old or the new file, never a part.
     */
    protected OutputStream appending(RemotePath p, Appending.Publish publish) throws IOException {
        try (InputStream in = newInputStream(p)) {
            return new Appending(in.readAllBytes(), publish);
        }
    }

    /** What {@link #appending} returns. */
    protected static final class Appending extends java.io.ByteArrayOutputStream {
        /** Replaces the file with the bytes. */
        public interface Publish {
            void accept(byte[] whole) throws IOException;
        }

        private final Publish publish;
        private boolean closed;

        private Appending(byte[] existing, Publish publish) {
            super(existing.length + 256);
            this.publish = publish;
            writeBytes(existing);
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                publish.accept(toByteArray());
            }
        }
    }

    /** Reading from any position: a subclass reads from its stream and says how it seeks. */
    protected abstract static class ReadChannel implements SeekableByteChannel {
        private final long size;
        private boolean open = true;

        protected ReadChannel(long size) {
            this.size = size;
        }

        /** Up to {@code len} bytes from the current position, or -1 at the end. */
        protected abstract int readInto(byte[] buf, int off, int len) throws IOException;

        protected abstract void closeStream() throws IOException;

        @Override
        public int read(ByteBuffer dst) throws IOException {
            byte[] buf = new byte[Math.min(dst.remaining(), 1 << 16)];
            int n = readInto(buf, 0, buf.length);
            if (n > 0) {
                dst.put(buf, 0, n);
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new java.nio.channels.NonWritableChannelException();
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new java.nio.channels.NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() throws IOException {
            open = false;
            closeStream();
        }
    }

    /** Writing front to back: remote files are written once, in order. */
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
            throw new UnsupportedOperationException("remote files are written in order");
        }

        @Override
        public long size() {
            return written;
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new UnsupportedOperationException("remote files are written in order");
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
