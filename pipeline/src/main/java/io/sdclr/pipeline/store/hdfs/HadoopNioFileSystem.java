package io.sdclr.pipeline.store.hdfs;

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
import org.apache.hadoop.fs.FileContext;

/** One HDFS namespace ({@code hdfs://AUTHORITY}) as a {@link FileSystem}, over Hadoop's own client. */
final class HadoopNioFileSystem extends FileSystem {
    private final HadoopFileSystemProvider provider;
    private final String authority;
    private final org.apache.hadoop.fs.FileSystem hadoop;
    private final FileContext context;

    HadoopNioFileSystem(HadoopFileSystemProvider provider, String authority, org.apache.hadoop.fs.FileSystem hadoop,
            FileContext context) {
        this.provider = provider;
        this.authority = authority;
        this.hadoop = hadoop;
        this.context = context;
    }

    String authority() {
        return authority;
    }

    org.apache.hadoop.fs.FileSystem hadoop() {
        return hadoop;
    }

    FileContext context() {
        return context;
    }

    @Override
    public HadoopFileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() throws IOException {
        provider.forget(this);
        hadoop.close();
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
    public HadoopPath getPath(String first, String... more) {
        return new HadoopPath(this, FileSystems.getDefault().getPath(first, more));
    }

    /** Globs and regexes as on a POSIX file system, matched against the path within the namespace. */
    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher posix = FileSystems.getDefault().getPathMatcher(syntaxAndPattern);
        return p -> posix.matches(FileSystems.getDefault().getPath(
                p instanceof HadoopPath h ? h.pathString() : p.toString()));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        throw new UnsupportedOperationException("no user principals on HDFS");
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("no watch service on HDFS");
    }

    @Override
    public String toString() {
        return "hdfs://" + authority;
    }
}
