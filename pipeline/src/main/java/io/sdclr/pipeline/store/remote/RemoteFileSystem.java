package io.sdclr.pipeline.store.remote;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Set;

/**
 * One remote namespace ({@code SCHEME://AUTHORITY}: an HDFS NameNode, an S3 bucket) as a {@link FileSystem}; a
 * provider's subclass adds its client.
 */
public abstract class RemoteFileSystem extends FileSystem {
    private final RemoteFileSystemProvider<?> provider;
    private final String authority;

    protected RemoteFileSystem(RemoteFileSystemProvider<?> provider, String authority) {
        this.provider = provider;
        this.authority = authority;
    }

    public String authority() {
        return authority;
    }

    @Override
    public RemoteFileSystemProvider<?> provider() {
        return provider;
    }

    /** Releases the client. */
    protected abstract void closeClient() throws IOException;

    @Override
    public void close() throws IOException {
        provider.forget(this);
        closeClient();
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return "/";
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return List.of(getPath("/"));
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return List.of();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return Set.of("basic");
    }

    @Override
    public RemotePath getPath(String first, String... more) {
        return new RemotePath(this, FileSystems.getDefault().getPath(first, more));
    }

    /** Globs and regexes as on a POSIX file system, matched against the path within the namespace. */
    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher posix = FileSystems.getDefault().getPathMatcher(syntaxAndPattern);
        return p -> posix.matches(FileSystems.getDefault().getPath(
                p instanceof RemotePath h ? h.pathString() : p.toString()));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        throw new UnsupportedOperationException("no user principals on " + this);
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("no watch service on " + this);
    }

    @Override
    public String toString() {
        return provider.getScheme() + "://" + authority;
    }
}
