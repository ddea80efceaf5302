package io.sdclr.pipeline.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.sdclr.pipeline.store.s3.S3FileSystemProvider;
import io.sdclr.pipeline.store.s3.S3Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A content-addressed artifact store on a local (or shared) file system.
 *
 * <pre>
 * STORE/artifacts/DIGEST/   immutable files of one artifact + manifest.json (written last)
 * STORE/keys/KEY.json       cache key -&gt; artifact digest (written after the artifact is published)
 * STORE/steps/WF/STEP.json  what the last run of a step used (explains cache misses)
 * STORE/staging/PID@HOST/   outputs being written (STEP-UUID/), by that process; never read as artifacts,
 *                           deleted when not committed, and at the next run's start once that process is gone
 * STORE/work/KEY/           scratch that survives a killed run (training checkpoints); removed once KEY is
 *                           committed
 * STORE/leases/KEY.lease    who is computing a key right now
 * STORE/runs/RUN.json       one record per run
 * STORE/live/RUN.lease      a run (or verify) using the store right now: sdclr gc removes no artifact meanwhile
 * STORE/gc.lease            sdclr gc at work: a run starting meanwhile waits for it
 * </pre>
 *
 * <p>Commit protocol: a step writes into a staging directory; the store hashes its records and files, writes
 * the manifest into the staging directory last, renames the directory to {@code artifacts/DIGEST} in one atomic
 * move, then atomically writes {@code keys/KEY.json}. A crash at any point leaves either no key (the step runs
 * again) or a key whose artifact verifies. A hit is used only after its manifest and every file check out.
 *
 * <p>On S3, which cannot rename a folder, the artifact's files are copied to {@code artifacts/DIGEST} first, its
 * manifest last, then the key object is written (one PUT: whole or absent). An artifact without its manifest, or
 * without a key naming it, is absent; a crash leaves at worst files that the next commit of the same content
 * overwrites with the same bytes.
 */
public final class ArtifactStore {
    /** This process as leases and staging folders name their owner: {@code PID@HOST}. */
    static final String OWNER = ManagementFactory.getRuntimeMXBean().getName().replaceAll("[^A-Za-z0-9@._-]", "_");
    private static final Pattern OWNER_NAME = Pattern.compile("[0-9]+@.+");

    private final Path root;
    private final CommitFaults faults;
    private volatile boolean verifyEveryHit;

    public ArtifactStore(Path root) {
        this(root, CommitFaults.NONE);
    }

    /** A store whose commits can be made to fail at a chosen point (crash tests). */
    public ArtifactStore(Path root, CommitFaults faults) {
        this.root = root.toAbsolutePath().normalize();
        this.faults = faults;
        try {
            for (String d : List.of("artifacts", "keys", "steps", "staging", "work", "leases", "runs", "stamps",
                    "live")) {
                Files.createDirectories(this.root.resolve(d));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the artifact store at " + this.root, e);
        }
    }

    public Path root() {
        return root;
    }

    /** Lets a pipeline's Beam file systems reach where this store is (on HDFS: its NameNode; on S3: its bucket). */
    public void configure(org.apache.beam.sdk.options.PipelineOptions options) {
        io.sdclr.pipeline.store.hdfs.HadoopFileSystemProvider.configureBeam(root, options);
        S3Settings.configureBeam(options, S3FileSystemProvider.isS3(root));
    }

    /**
     * A fresh staging directory for one step's output, inside this process's own staging folder
     * ({@code staging/PID@HOST/}), so a later run can tell a dead owner's leftovers from a live run's work.
     */
    public Path newStaging(String stepName) {
        Path dir = ownStaging().resolve(stepName + "-" + UUID.randomUUID());
        try {
            try {
                Files.createDirectories(dir);
            } catch (NoSuchFileException raced) {
                Files.createDirectories(dir); // A run of this process removed the empty owner folder meanwhile.
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** This process's staging folder: {@code staging/PID@HOST}, the owner as leases name it. */
    Path ownStaging() {
        return root.resolve("staging").resolve(OWNER);
    }

    /** Scratch directory of a cache key that survives killed runs (checkpoints). */
    public Path workDir(String cacheKey) {
        Path dir = root.resolve("work").resolve(cacheKey);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** Where the steps of run {@code runId} write their progress lines while a wave runs (not kept afterwards). */
    public Path progressDir(String runId) {
        return root.resolve("progress").resolve(runId);
    }

    /**
     * Marks run {@code runId} as using the store until the returned lease is closed, then waits while
     * {@code sdclr gc} is at work. Together with {@link StoreCollector} taking its own lease before it looks for
     * live runs, this means gc either sees the run (and removes no artifact) or the run waits until gc is done.
     *
     * @param waiting told once, with gc's owner, when the run has to wait
     */
    public Lease enterRun(String runId, java.util.function.Consumer<String> waiting) {
        Lease live = Lease.acquire(root.resolve("live").resolve(runId + ".lease"), runId, holder -> {});
        boolean told = false;
        Optional<String> gc;
        while ((gc = Lease.liveHolder(gcLeaseFile())).isPresent()) {
            if (!told) {
                waiting.accept(gc.get());
                told = true;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                live.close();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for sdclr gc", e);
            }
        }
        return live;
    }

    Path gcLeaseFile() {
        return root.resolve("gc.lease");
    }

    /** Deletes the scratch directory of a cache key (checkpoints of an earlier run). */
    public void clearWorkDir(String cacheKey) {
        try {
            deleteTree(root.resolve("work").resolve(cacheKey));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the work directory of " + cacheKey, e);
        }
    }

    /**
     * Deletes the scratch directory of a cache key if nothing was written into it (nothing to resume from), after a
     * step that was not committed. Best effort: an empty directory left behind is harmless and goes when the key is
     * committed.
     */
    public void removeWorkDirIfEmpty(String cacheKey) {
        try {
            Files.deleteIfExists(root.resolve("work").resolve(cacheKey));
        } catch (IOException e) {
            // Not empty (checkpoints the next run of the same key resumes from), or not removable now.
        }
    }

    /**
     * Deletes the leftover scratch directory of a key that is committed (a run that died between the commit and
     * removing its checkpoints), unless a live run holds the key's lease (a {@code --force} re-run may be
     * checkpointing there).
     *
     * @return whether a directory was deleted
     */
    public boolean removeStaleWorkDir(String cacheKey, String runId) {
        Path dir = root.resolve("work").resolve(cacheKey);
        if (!Files.exists(dir)) {
            return false;
        }
        Optional<Lease> lease = Lease.tryAcquire(leaseFile(cacheKey), runId);
        if (lease.isEmpty()) {
            return false;
        }
        try (Lease held = lease.get()) {
            deleteTree(dir);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the work directory of " + cacheKey, e);
        }
    }

    public Path artifactDir(String digest) {
        return root.resolve("artifacts").resolve(digest);
    }

    /**
     * From now on every cache hit re-hashes all files of its artifact ({@code run --verify}), instead of comparing
     * their sizes and modification stamps with those of the artifact's last full verification.
     */
    public void verifyEveryHit() {
        verifyEveryHit = true;
    }

    /**
     * The artifact digest bound to a cache key, if there is one and it checks out. A hit is checked cheaply when it
     * can be: every file of the artifact (and its manifest) still has the size, modification time and file id it
     * had when the whole artifact was last re-hashed ({@code stamps/DIGEST.json}). Without such a stamp, when one
     * differs, or after {@link #verifyEveryHit}, every file is re-hashed (SHA-256) and the stamp rewritten.
     * Damage that keeps a file's size and modification time (a tool that restores mtime) is caught only by a full
     * verification: {@code run --verify} or {@code sdclr verify}.
     */
    public Optional<String> lookup(String cacheKey) {
        Path keyFile = root.resolve("keys").resolve(cacheKey + ".json");
        if (!Files.isRegularFile(keyFile)) {
            return Optional.empty();
        }
        try {
            JsonNode node = Manifest.JSON.readTree(Files.readAllBytes(keyFile));
            String digest = node.path("digest").asText("");
            return verifyForHit(digest) ? Optional.of(digest) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // An unreadable key is a miss; the commit rewrites it.
        }
    }

    private boolean verifyForHit(String digest) {
        if (!verifyEveryHit && ArtifactStamp.matches(stampFile(digest), artifactDir(digest))) {
            return true;
        }
        if (!verify(digest)) {
            try {
                Files.deleteIfExists(stampFile(digest));
            } catch (IOException e) {
                // A stale stamp of a damaged artifact never matches its files: harmless.
            }
            return false;
        }
        try {
            ArtifactStamp.write(stampFile(digest), artifactDir(digest), manifest(digest));
        } catch (IOException | UncheckedIOException e) {
            // Without a stamp the next hit re-hashes again: slower, never wrong.
        }
        return true;
    }

    private Path stampFile(String digest) {
        return root.resolve("stamps").resolve(digest + ".json");
    }

    /**
     * Re-hashes every committed artifact; returns the digests of those whose files no longer match their manifest
     * (a later run recomputes them).
     */
    public List<String> verifyAll() throws IOException {
        List<String> damaged = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root.resolve("artifacts"))) {
            for (Path d : dirs.sorted().toList()) {
                String digest = d.getFileName().toString();
                if (verify(digest)) {
                    ArtifactStamp.write(stampFile(digest), d, manifest(digest));
                } else {
                    damaged.add(digest);
                    Files.deleteIfExists(stampFile(digest));
                }
            }
        }
        return damaged;
    }

    /** True when the artifact's manifest exists and every file it lists has the recorded size and SHA-256. */
    public boolean verify(String digest) {
        if (!digest.matches("[0-9a-f]{64}")) {
            return false;
        }
        Path dir = artifactDir(digest);
        Path mf = dir.resolve(Manifest.FILE_NAME);
        if (!Files.isRegularFile(mf)) {
            return false;
        }
        try {
            Manifest m = Manifest.read(mf);
            if (!digest.equals(m.contentDigest())) {
                return false;
            }
            for (Manifest.FileEntry f : m.files()) {
                Path p = dir.resolve(f.path());
                if (!Files.isRegularFile(p) || Files.size(p) != f.bytes() || !Hashing.sha256(p).equals(f.sha256())) {
                    return false;
                }
            }
            return true;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    public Manifest manifest(String digest) {
        try {
            return Manifest.read(artifactDir(digest).resolve(Manifest.FILE_NAME));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Avro data files of a committed artifact. */
    public List<Path> avroFiles(String digest) {
        Manifest m = manifest(digest);
        List<Path> out = new ArrayList<>();
        for (Manifest.FileEntry f : m.files()) {
            if (f.avro()) {
                out.add(artifactDir(digest).resolve(f.path()));
            }
        }
        return out;
    }

    /**
     * Publishes a staging directory as an artifact and binds {@code cacheKey} to it.
     *
     * @return the content digest of the artifact
     */
    public String commit(Path staging, String cacheKey, String producedBy) throws IOException {
        deleteHidden(staging); // Beam's temporary files, if a runner left any.
        List<Path> avro = new ArrayList<>();
        TreeMap<String, String> side = new TreeMap<>();
        List<Manifest.FileEntry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.walk(staging)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String rel = staging.relativize(f).toString().replace('\\', '/');
                if (rel.equals(Manifest.FILE_NAME)) {
                    Files.delete(f); // A manifest from an interrupted commit; rewritten below.
                    continue;
                }
                boolean isAvro = rel.endsWith(".avro") && !rel.contains("/");
                String sha = Hashing.sha256(f);
                entries.add(new Manifest.FileEntry(rel, Files.size(f), sha, isAvro));
                if (isAvro) {
                    avro.add(f);
                } else {
                    side.put(rel, sha);
                }
            }
        }
        ContentDigest.Result content = ContentDigest.of(avro, side);
        faults.at(CommitFaults.Point.BEFORE_MANIFEST);
        Manifest manifest = new Manifest(1, content.schemaName(), content.schemaFingerprint(), content.records(),
                entries, content.digest(), producedBy);
        writeAtomically(staging.resolve(Manifest.FILE_NAME), manifest.toJson());
        faults.at(CommitFaults.Point.BEFORE_PUBLISH);
        Path target = artifactDir(content.digest());
        if (S3FileSystemProvider.isS3(target)) {
            if (!verify(content.digest())) {
                publishByCopy(staging, target);
            }
            deleteTree(staging);
        } else if (Files.exists(target)) {
            if (verify(content.digest())) {
                deleteTree(staging); // Same content is already published: nothing to move.
            } else {
                Path trash = ownStaging().resolve("corrupt-" + UUID.randomUUID());
                Files.move(target, trash, StandardCopyOption.ATOMIC_MOVE);
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(trash);
            }
        } else {
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                deleteTree(staging); // Another process published the same content first.
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the store " + root + " must be on one file system (atomic rename)", e);
            }
        }
        faults.at(CommitFaults.Point.BEFORE_KEY);
        writeAtomically(root.resolve("keys").resolve(cacheKey + ".json"),
                Manifest.JSON.writeValueAsBytes(Map.of("digest", content.digest(), "step", producedBy)));
        return content.digest();
    }

    /**
     * Publishes on a store without folder renames (S3): a damaged or partial artifact's manifest goes first (from
     * then on it is absent), then every file is copied, the manifest last. Two runs publishing the same content write
     * the same bytes.
     */
    private void publishByCopy(Path staging, Path target) throws IOException {
        Files.deleteIfExists(target.resolve(Manifest.FILE_NAME));
        List<Path> files;
        try (Stream<Path> s = Files.walk(staging)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            String rel = staging.relativize(f).toString();
            if (!rel.equals(Manifest.FILE_NAME)) {
                Files.copy(f, target.resolve(rel), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        faults.at(CommitFaults.Point.BEFORE_PUBLISH_MANIFEST);
        Files.copy(staging.resolve(Manifest.FILE_NAME), target.resolve(Manifest.FILE_NAME),
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Records what a step's last run used, for {@code plan} explanations. */
    public void writeStepRecord(String workflow, String step, StepRecord record) throws IOException {
        Path dir = root.resolve("steps").resolve(workflow);
        Files.createDirectories(dir);
        writeAtomically(dir.resolve(step + ".json"), Manifest.JSON.writeValueAsBytes(record));
    }

    public Optional<StepRecord> stepRecord(String workflow, String step) {
        Path f = root.resolve("steps").resolve(workflow).resolve(step + ".json");
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Manifest.JSON.readValue(Files.readAllBytes(f), StepRecord.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public void writeRunRecord(String runId, Object record) throws IOException {
        writeAtomically(root.resolve("runs").resolve(runId + ".json"), Manifest.JSON.writeValueAsBytes(record));
    }

    /**
     * Every run record of this store, newest first (run ids start with their start time), each as read; a record
     * that cannot be parsed is skipped, not fatal (a run killed while writing leaves none, records are atomic).
     */
    public List<JsonNode> runRecords() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        Path dir = root.resolve("runs");
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .sorted(Comparator.comparing((Path f) -> f.getFileName().toString()).reversed()).toList();
        }
        for (Path f : files) {
            try {
                out.add(Manifest.JSON.readTree(Files.readAllBytes(f)));
            } catch (IOException e) {
                // unreadable: not listed
            }
        }
        return out;
    }

    /**
     * Removes staging no live run owns: at once the folder of an owner process that no longer exists on this host
     * (a run killed with {@code kill -9}, a crash), and otherwise (an owner on another host, a folder of an older
     * layout) what has not changed for {@code minAgeMillis}. A live run's staging, this process's included, is
     * never touched: its outputs are still being written.
     */
    public void cleanStaging(long minAgeMillis) {
        try {
            for (Path d : removableStaging(minAgeMillis)) {
                deleteTree(d);
            }
            try (Stream<Path> dirs = Files.list(root.resolve("staging"))) {
                for (Path d : dirs.toList()) {
                    if (OWNER_NAME.matcher(d.getFileName().toString()).matches() && !Files.isSymbolicLink(d)
                            && !d.getFileName().toString().equals(OWNER)) {
                        removeIfEmptyAndOlderThan(d, System.currentTimeMillis() - minAgeMillis);
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // Best effort: leftovers in staging are never read as artifacts; the next run tries again.
        }
    }

    /**
     * What {@link #cleanStaging} removes: the folder of an owner process that no longer exists on this host, the
     * entries of other owners' folders (another host, or a live process) that have not changed for
     * {@code minAgeMillis}, and any other entry of {@code staging/} as old. Never this process's own folder.
     */
    List<Path> removableStaging(long minAgeMillis) throws IOException {
        long cutoff = System.currentTimeMillis() - minAgeMillis;
        List<Path> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root.resolve("staging"))) {
            for (Path d : dirs.sorted().toList()) {
                String name = d.getFileName().toString();
                if (name.equals(OWNER)) {
                    continue;
                }
                if (OWNER_NAME.matcher(name).matches() && Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                    if (Lease.deadOnThisHost(name)) {
                        out.add(d);
                    } else {
                        try (Stream<Path> s = Files.list(d)) {
                            for (Path e : s.sorted().toList()) {
                                if (lastModified(e) < cutoff) {
                                    out.add(e); // Alive, or another host: only the old leftovers.
                                }
                            }
                        }
                    }
                } else if (lastModified(d) < cutoff) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    private static long lastModified(Path p) throws IOException {
        return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
    }

    /** Removes this process's staging folder if it is empty (every output committed or discarded). */
    public void releaseStaging() {
        try {
            Files.deleteIfExists(ownStaging());
        } catch (IOException e) {
            // Not empty (another run of this process is writing) or gone: either way nothing to do.
        }
    }

    private static void removeIfEmptyAndOlderThan(Path dir, long cutoffMillis) throws IOException {
        if (Files.getLastModifiedTime(dir).toMillis() < cutoffMillis) {
            try {
                Files.deleteIfExists(dir);
            } catch (java.nio.file.DirectoryNotEmptyException inUse) {
                // Its owner staged something meanwhile.
            }
        }
    }

    public Path leaseFile(String cacheKey) {
        return root.resolve("leases").resolve(cacheKey + ".lease");
    }

    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        if (S3FileSystemProvider.isS3(target)) {
            Files.write(target, bytes); // One PUT: the object is replaced whole or not at all.
            return;
        }
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        if (tmp.getFileSystem() == java.nio.file.FileSystems.getDefault()) {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true);
            }
        } else {
            // HDFS: closing the stream returns once the DataNodes hold the data.
            Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void deleteHidden(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (p.getFileName().toString().startsWith(".")) {
                    deleteTree(p);
                }
            }
        }
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
