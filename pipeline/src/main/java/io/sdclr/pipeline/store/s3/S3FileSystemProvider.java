package io.sdclr.pipeline.store.s3;

import io.sdclr.pipeline.store.remote.RemoteFileSystemProvider;
import io.sdclr.pipeline.store.remote.RemotePath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code s3://BUCKET/PATH} for {@code java.nio.file}: the artifact store, the steps' side files, checkpoints,
 * progress files and leases use the same {@code Files} calls on S3 as on a local disk. Registered as a service.
 *
 * <p>S3 has objects, not files and folders, and no rename. What the store relies on is kept where S3 can keep it:
 * <ul>
 *   <li>a write is one PUT on close, so an object is seen whole or not at all; {@code CREATE_NEW} is a conditional
 *       PUT ({@code If-None-Match: *}, honoured by AWS S3 since 2024 and by s3proxy, MinIO): exactly one of two
 *       writers wins, the other gets {@link FileAlreadyExistsException} (a lease);
 *   <li>a folder exists while an object lies under its prefix, or its marker object {@code PATH/}
 *       ({@code createDirectory}); its modification time is that of its newest object;
 *   <li>moving a file copies it server-side (the target appears whole, in one step) and deletes the source; without
 *       {@code REPLACE_EXISTING} the copy is a conditional PUT. A folder has no atomic move:
 *       {@code ATOMIC_MOVE} of a folder is {@link AtomicMoveNotSupportedException}, and the store publishes an
 *       artifact by copying its files and its manifest last instead (see {@code ArtifactStore});
 *   <li>appending rewrites the (small) object whole; a modification time can only be set to now (the object is
 *       copied onto itself: a lease's heartbeat).
 * </ul>
 */
public final class S3FileSystemProvider extends RemoteFileSystemProvider<S3NioFileSystem> {
    /** Writes up to this size stay in memory before the PUT; larger ones spill to a temporary file. */
    private static final int IN_MEMORY = 8 << 20;

    @Override
    public String getScheme() {
        return "s3";
    }

    /** True when {@code p} is on S3 (no atomic rename of folders). */
    public static boolean isS3(Path p) {
        return p instanceof RemotePath r && r.getFileSystem() instanceof S3NioFileSystem;
    }

    @Override
    protected S3NioFileSystem connect(String bucket) {
        return new S3NioFileSystem(this, bucket, S3Settings.builder().build());
    }

    @Override
    protected String expectedUri() {
        return "s3://BUCKET/PATH";
    }

    private S3Client s3(RemotePath p) {
        return fs(p).client();
    }

    private String bucket(RemotePath p) {
        return fs(p).bucket();
    }

    /** The object key of a path: {@code /store/keys/K.json} is {@code store/keys/K.json}; the root is "". */
    private static String key(RemotePath p) {
        String s = p.pathString();
        return s.startsWith("/") ? s.substring(1) : s;
    }

    /** The prefix of what lies in a folder: {@code store/keys/}; the root's is "". */
    private static String prefix(RemotePath dir) {
        String k = key(dir);
        return k.isEmpty() ? "" : k + "/";
    }

    /** The SDK's errors as {@code java.nio.file} names them, so that callers' {@code catch} clauses still apply. */
    private static IOException translate(SdkException e, RemotePath p, RemotePath other) {
        IOException out;
        if (e instanceof NoSuchKeyException || e instanceof S3Exception s && s.statusCode() == 404) {
            out = new NoSuchFileException(p.toString(), other == null ? null : other.toString(), e.getMessage());
        } else if (e instanceof S3Exception s && s.statusCode() == 412) {
            out = new FileAlreadyExistsException(other != null ? other.toString() : p.toString(), null,
                    "it exists (conditional write refused)");
        } else {
            out = new IOException(p + ": " + e.getMessage());
        }
        out.initCause(e);
        return out;
    }

    private Optional<HeadObjectResponse> head(RemotePath p) throws IOException {
        if (key(p).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(s3(p).headObject(b -> b.bucket(bucket(p)).key(key(p))));
        } catch (NoSuchKeyException absent) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw translate(e, p, null);
        } catch (SdkException e) {
            throw translate(e, p, null);
        }
    }

    /** Up to {@code max} objects under the folder {@code dir}, at any depth (its marker included). */
    private List<S3Object> under(RemotePath dir, int max) throws IOException {
        try {
            return s3(dir).listObjectsV2(b -> b.bucket(bucket(dir)).prefix(prefix(dir)).maxKeys(max)).contents();
        } catch (SdkException e) {
            throw translate(e, dir, null);
        }
    }

    @Override
    protected Attributes stat(RemotePath p) throws IOException {
        if (key(p).isEmpty()) {
            return Attributes.directory(0);
        }
        Optional<HeadObjectResponse> h = head(p);
        if (h.isPresent()) {
            long t = h.get().lastModified().toEpochMilli();
            return new Attributes(h.get().contentLength(), t, t, false, h.get().eTag());
        }
        List<S3Object> inside = under(p, 1000);
        if (inside.isEmpty()) {
            throw new NoSuchFileException(p.toString());
        }
        return Attributes.directory(inside.stream().mapToLong(o -> o.lastModified().toEpochMilli()).max().orElse(0));
    }

    @Override
    protected List<String> list(RemotePath dir) throws IOException {
        if (head(dir).isPresent()) {
            throw new NotDirectoryException(dir.toString());
        }
        String prefix = prefix(dir);
        Set<String> names = new LinkedHashSet<>();
        boolean found = prefix.isEmpty();
        try {
            ListObjectsV2Request req = ListObjectsV2Request.builder().bucket(bucket(dir)).prefix(prefix)
                    .delimiter("/").build();
            for (ListObjectsV2Response page : s3(dir).listObjectsV2Paginator(req)) {
                for (CommonPrefix c : page.commonPrefixes()) {
                    found = true;
                    String name = c.prefix().substring(prefix.length());
                    names.add(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
                }
                for (S3Object o : page.contents()) {
                    found = true;
                    String name = o.key().substring(prefix.length());
                    if (!name.isEmpty()) {
                        names.add(name);
                    }
                }
            }
        } catch (SdkException e) {
            throw translate(e, dir, null);
        }
        if (!found) {
            throw new NoSuchFileException(dir.toString());
        }
        List<String> out = new ArrayList<>(names);
        out.sort(null);
        return out;
    }

    @Override
    public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
        RemotePath p = cast(path);
        try {
            return s3(p).getObject(b -> b.bucket(bucket(p)).key(key(p)));
        } catch (SdkException e) {
            throw translate(e, p, null);
        }
    }

    @Override
    protected SeekableByteChannel readChannel(RemotePath p) throws IOException {
        Optional<HeadObjectResponse> h = head(p);
        if (h.isEmpty()) {
            stat(p); // NoSuchFileException, or a folder:
            throw new IOException(p + " is a directory");
        }
        return new RangedChannel(p, h.get().contentLength());
    }

    @Override
    public OutputStream newOutputStream(Path path, OpenOption... options) throws IOException {
        RemotePath p = cast(path);
        Set<OpenOption> opts = writeOptions(options);
        if (opts.contains(StandardOpenOption.CREATE_NEW)) {
            return new Upload(p, true);
        }
        boolean exists = head(p).isPresent();
        if (!exists && !opts.contains(StandardOpenOption.CREATE)) {
            throw new NoSuchFileException(p.toString());
        }
        if (opts.contains(StandardOpenOption.APPEND) && exists) {
            return appending(p, whole -> put(p, RequestBody.fromBytes(whole), false));
        }
        return new Upload(p, false);
    }

    /** One PUT: the object appears whole. {@code exclusive}: only if no object has that key (else 412). */
    private void put(RemotePath p, RequestBody body, boolean exclusive) throws IOException {
        PutObjectRequest.Builder req = PutObjectRequest.builder().bucket(bucket(p)).key(key(p));
        if (exclusive) {
            req.overrideConfiguration(o -> o.putHeader("If-None-Match", "*"));
        }
        try {
            s3(p).putObject(req.build(), body);
        } catch (SdkException e) {
            throw translate(e, p, null);
        }
    }

    /** What is written, in memory (spilling to a temporary file past {@link #IN_MEMORY}), PUT on close. */
    private final class Upload extends OutputStream {
        private final RemotePath target;
        private final boolean exclusive;
        private ByteArrayOutputStream memory = new ByteArrayOutputStream();
        private Path spill;
        private OutputStream out = memory;
        private boolean closed;

        Upload(RemotePath target, boolean exclusive) {
            this.target = target;
            this.exclusive = exclusive;
        }

        private void room(int more) throws IOException {
            if (memory != null && memory.size() + more > IN_MEMORY) {
                spill = Files.createTempFile("sdclr-s3-", ".part");
                out = new java.io.BufferedOutputStream(Files.newOutputStream(spill), 1 << 16);
                memory.writeTo(out);
                memory = null;
            }
        }

        @Override
        public void write(int b) throws IOException {
            room(1);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            room(len);
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            out.close();
            try {
                put(target, memory != null ? RequestBody.fromBytes(memory.toByteArray())
                        : RequestBody.fromFile(spill), exclusive);
            } finally {
                if (spill != null) {
                    Files.deleteIfExists(spill);
                }
            }
        }
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        RemotePath d = cast(dir);
        if (key(d).isEmpty() || exists(d)) {
            throw new FileAlreadyExistsException(d.toString());
        }
        RemotePath parent = d.getParent();
        if (parent != null && !key(parent).isEmpty() && !exists(parent)) {
            throw new NoSuchFileException(parent.toString());
        }
        try {
            s3(d).putObject(b -> b.bucket(bucket(d)).key(prefix(d)), RequestBody.empty());
        } catch (SdkException e) {
            throw translate(e, d, null);
        }
    }

    private boolean exists(RemotePath p) throws IOException {
        try {
            stat(p);
            return true;
        } catch (NoSuchFileException absent) {
            return false;
        }
    }

    @Override
    public void delete(Path path) throws IOException {
        RemotePath p = cast(path);
        if (head(p).isPresent()) {
            deleteKey(p, key(p));
            return;
        }
        List<S3Object> inside = under(p, 2);
        if (inside.isEmpty()) {
            throw new NoSuchFileException(p.toString());
        }
        if (inside.stream().anyMatch(o -> !o.key().equals(prefix(p)))) {
            throw new DirectoryNotEmptyException(p.toString());
        }
        deleteKey(p, prefix(p)); // An empty folder: its marker.
    }

    /** Deletes the object {@code key} of {@code p}'s bucket. */
    private void deleteKey(RemotePath p, String key) throws IOException {
        try {
            s3(p).deleteObject(b -> b.bucket(bucket(p)).key(key));
        } catch (SdkException e) {
            throw translate(e, p, null);
        }
    }

    /** Copies the object {@code from} of {@code s}'s bucket server-side to {@code to} of {@code t}'s. */
    private void copyKey(RemotePath s, String from, RemotePath t, String to) throws IOException {
        try {
            s3(s).copyObject(b -> b.sourceBucket(bucket(s)).sourceKey(from).destinationBucket(bucket(t))
                    .destinationKey(to));
        } catch (SdkException e) {
            throw translate(e, s, t);
        }
    }

    /** A file: copied server-side when it may replace the target, else by a conditional PUT. */
    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        RemotePath s = cast(source);
        RemotePath t = cast(target);
        boolean replace = Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING);
        if (!head(s).isPresent()) {
            stat(s); // NoSuchFileException, or a folder: copied as an empty folder, as Files.copy does.
            if (!replace && exists(t)) {
                throw new FileAlreadyExistsException(t.toString());
            }
            if (!exists(t)) {
                createDirectory(t);
            }
            return;
        }
        copyFile(s, t, replace);
    }

    /** A file copied: server-side when it may replace the target, else by a conditional PUT. */
    private void copyFile(RemotePath s, RemotePath t, boolean replace) throws IOException {
        if (replace) {
            copyKey(s, key(s), t, key(t));
        } else {
            super.copy(s, t);
        }
    }

    /**
     * A file: copied (the target appears whole, in one step), then the source deleted. A folder: refused with
     * {@code ATOMIC_MOVE} (S3 cannot), else copied object by object and its objects deleted.
     */
    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        RemotePath s = cast(source);
        RemotePath t = cast(target);
        List<CopyOption> opts = Arrays.asList(options);
        boolean replace = opts.contains(StandardCopyOption.REPLACE_EXISTING);
        if (head(s).isPresent()) {
            copyFile(s, t, replace);
            deleteKey(s, key(s));
            return;
        }
        stat(s); // NoSuchFileException, or a folder:
        if (opts.contains(StandardCopyOption.ATOMIC_MOVE)) {
            throw new AtomicMoveNotSupportedException(s.toString(), t.toString(),
                    "S3 cannot move a folder in one step");
        }
        if (exists(t) && !replace) {
            throw new FileAlreadyExistsException(t.toString());
        }
        String from = prefix(s);
        List<String> keys = new ArrayList<>();
        try {
            for (ListObjectsV2Response page : s3(s).listObjectsV2Paginator(b -> b.bucket(bucket(s)).prefix(from))) {
                page.contents().forEach(o -> keys.add(o.key()));
            }
        } catch (SdkException e) {
            throw translate(e, s, t);
        }
        for (String k : keys) {
            copyKey(s, k, t, prefix(t) + k.substring(from.length()));
            deleteKey(s, k);
        }
    }

    /** S3 sets modification times itself: the object is copied onto itself, which makes it now's. */
    @Override
    protected void setModified(RemotePath p, FileTime time) throws IOException {
        try {
            s3(p).copyObject(b -> b.sourceBucket(bucket(p)).sourceKey(key(p)).destinationBucket(bucket(p))
                    .destinationKey(key(p)).metadataDirective(MetadataDirective.REPLACE)
                    .metadata(Map.of("sdclr-touched", String.valueOf(time.toMillis()))));
        } catch (SdkException e) {
            throw translate(e, p, null);
        }
    }

    /** A bucket has no capacity to speak of. */
    @Override
    protected long[] space(RemotePath p) {
        return new long[] {Long.MAX_VALUE, Long.MAX_VALUE};
    }

    /** Reading from any position: a ranged GET from there, reopened when the position moves. */
    private final class RangedChannel extends ReadChannel {
        private final RemotePath p;
        private long position;
        private InputStream in;
        private long inAt = -1;

        RangedChannel(RemotePath p, long size) {
            super(size);
            this.p = p;
        }

        @Override
        protected int readInto(byte[] buf, int off, int len) throws IOException {
            if (position >= size()) {
                return -1;
            }
            if (in == null || inAt != position) {
                closeStream();
                long from = position;
                try {
                    in = s3(p).getObject(b -> b.bucket(bucket(p)).key(key(p)).range("bytes=" + from + "-"));
                } catch (SdkException e) {
                    throw translate(e, p, null);
                }
            }
            int n = in.read(buf, off, len);
            if (n > 0) {
                position += n;
            }
            inAt = position;
            return n;
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public SeekableByteChannel position(long newPosition) {
            position = newPosition;
            return this;
        }

        @Override
        protected void closeStream() throws IOException {
            if (in != null) {
                in.close();
                in = null;
            }
        }
    }
}
