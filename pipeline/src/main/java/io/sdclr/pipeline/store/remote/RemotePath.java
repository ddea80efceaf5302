package io.sdclr.pipeline.store.remote;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

/**
 * A path of one remote namespace (an HDFS NameNode, an S3 bucket). Path arithmetic is that of a POSIX path (it
 * delegates to one); an absolute path prints as its full URI ({@code hdfs://namenode:9000/store/keys/K.json},
 * {@code s3://bucket/store/keys/K.json}), so that its string is what Beam's file systems, the remote system's client
 * and {@code Path.of(URI)} all accept; a relative one prints as itself.
 */
public final class RemotePath implements Path {
    private final RemoteFileSystem fs;
    private final Path posix;

    RemotePath(RemoteFileSystem fs, Path posix) {
        this.fs = fs;
        this.posix = posix;
    }

    /** The path within the namespace ({@code /store/keys/K.json}). */
    public String pathString() {
        return posix.toString();
    }

    private RemotePath wrap(Path p) {
        return p == null ? null : new RemotePath(fs, p);
    }

    private Path unwrap(Path other) {
        if (other instanceof RemotePath h) {
            if (!h.fs.equals(fs)) {
                throw new ProviderMismatchException(other + " is not in " + fs);
            }
            return h.posix;
        }
        if (other.getFileSystem() == java.nio.file.FileSystems.getDefault() && !other.isAbsolute()) {
            return posix.getFileSystem().getPath(other.toString()); // A relative name: the same on every system.
        }
        throw new ProviderMismatchException(other + " is not a path of " + fs);
    }

    @Override
    public RemoteFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return posix.isAbsolute();
    }

    @Override
    public RemotePath getRoot() {
        return wrap(posix.getRoot());
    }

    @Override
    public RemotePath getFileName() {
        return wrap(posix.getFileName());
    }

    @Override
    public RemotePath getParent() {
        return wrap(posix.getParent());
    }

    @Override
    public int getNameCount() {
        return posix.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return wrap(posix.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return wrap(posix.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        return other instanceof RemotePath h && h.fs.equals(fs) && posix.startsWith(h.posix);
    }

    @Override
    public boolean endsWith(Path other) {
        return other instanceof RemotePath h && h.fs.equals(fs) && posix.endsWith(h.posix);
    }

    @Override
    public Path normalize() {
        return wrap(posix.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return wrap(posix.resolve(unwrap(other)));
    }

    @Override
    public Path relativize(Path other) {
        return wrap(posix.relativize(unwrap(other)));
    }

    @Override
    public URI toUri() {
        try {
            return new URI(fs.provider().getScheme(), fs.authority(), toAbsolutePath().pathString(), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URI: " + this, e);
        }
    }

    @Override
    public RemotePath toAbsolutePath() {
        return isAbsolute() ? this : new RemotePath(fs, posix.getFileSystem().getPath("/").resolve(posix));
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        RemotePath abs = toAbsolutePath();
        fs.provider().checkAccess(abs);
        return abs.normalize();
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("no watch service on " + fs);
    }

    @Override
    public int compareTo(Path other) {
        return toString().compareTo(other.toString());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RemotePath h && h.fs.equals(fs) && h.posix.equals(posix);
    }

    @Override
    public int hashCode() {
        return fs.hashCode() * 31 + posix.hashCode();
    }

    @Override
    public String toString() {
        return isAbsolute() ? fs.provider().getScheme() + "://" + fs.authority() + posix : posix.toString();
    }
}
