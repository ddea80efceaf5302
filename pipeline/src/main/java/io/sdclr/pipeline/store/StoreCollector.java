package io.sdclr.pipeline.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.sdclr.pipeline.store.s3.S3FileSystemProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code sdclr gc}: removes from a store what nothing needs any more, and says what it removed.
 *
 * <ul>
 *   <li><b>artifacts</b> no run record references (with a cutoff, none newer than it), with their keys and stamps;
 *       keys whose artifact is gone. Records themselves are kept: they are the history, and hold the results;
 *   <li><b>staging</b> of dead runs (as every run's start removes it);
 *   <li><b>checkpoints</b> ({@code work/KEY}) of committed keys, and with a cutoff those of unfinished steps not
 *       touched since it; other checkpoints are kept: the next run of their step resumes from them;
 *   <li><b>leases</b> whose owner is dead or stopped beating, progress folders of finished runs, stamps without an
 *       artifact, temporary files of interrupted writes.
 * </ul>
 *
 * <p>Safe while runs use the store: gc takes {@code gc.lease} and only then looks for live runs
 * ({@code live/RUN.lease}, which a run takes before it waits for gc's lease to go, see
 * {@link ArtifactStore#enterRun}). While any run is live, no artifact or key is removed; what gc does then (dead
 * staging, free leases and checkpoints) never touches what a live run owns. Only names the store itself gives
 * (digests, keys, owners, run ids) are removed; anything else in the folder is left alone, and symbolic links are
 * removed as links, never followed.
 */
public final class StoreCollector {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern KEY_FILE = Pattern.compile("([0-9a-f]{64})\\.json");
    private static final Pattern TMP_FILE = Pattern.compile("\\..+\\.tmp");
    /** Temporary files of interrupted atomic writes younger than this may still be renamed into place. */
    private static final long TMP_MIN_AGE_MILLIS = 3600_000L;
    /** Staging of a live owner or another host: removed when unchanged this long (as a run's start does). */
    private static final long STAGING_MIN_AGE_MILLIS = 6 * 3600_000L;

    /** What was (or with a dry run would be) removed, by kind, in the order shown. */
    public enum Kind {
        ARTIFACT("artifacts", "unreferenced artifacts"),
        KEY("keys", "cache keys of removed or missing artifacts"),
        STAGING("staging", "staging of dead or long-gone runs"),
        CHECKPOINT("checkpoints", "checkpoint folders no step will resume from"),
        LEASE("leases", "leases of dead runs"),
        OTHER("other", "progress folders of finished runs, stale stamps, temporary files");

        public final String label;
        public final String description;

        Kind(String label, String description) {
            this.label = label;
            this.description = description;
        }
    }

    /** One removed (or removable) path and its size on disk. */
    public record Removal(Kind kind, Path path, long bytes) {}

    /**
     * What gc did.
     *
     * @param liveRuns holders of the runs that were using the store (then no artifact was removed)
     * @param unreferencedKept artifacts no record needs that were kept because of {@code liveRuns}
     * @param keptArtifacts artifacts some kept record references
     * @param records run records that protect artifacts (newer than the cutoff, if any)
     * @param resumable checkpoint folders of unfinished steps that were kept
     */
    public record Report(boolean dryRun, long bytesBefore, long bytesAfter, List<Removal> removed,
            List<String> liveRuns, int unreferencedKept, long unreferencedKeptBytes, int keptArtifacts,
            long keptArtifactBytes, int records, int resumable, long resumableBytes) {
        public long freed() {
            return removed.stream().mapToLong(Removal::bytes).sum();
        }

        public Map<Kind, long[]> byKind() {
            Map<Kind, long[]> m = new LinkedHashMap<>();
            for (Kind k : Kind.values()) {
                m.put(k, new long[2]);
            }
            for (Removal r : removed) {
                m.get(r.kind())[0]++;
                m.get(r.kind())[1] += r.bytes();
            }
            return m;
        }
    }

    /** Another gc holds the store. */
    public static final class Busy extends Exception {
        public Busy(String holder) {
            super(holder);
        }
    }

    private final ArtifactStore store;
    private final Path root;

    public StoreCollector(ArtifactStore store) {
        this.store = store;
        this.root = store.root();
    }

    /**
     * Collects the store.
     *
     * @param keepCutoff only records that started at or after it protect artifacts (and checkpoints of unfinished
     *     steps older than it are removed); null: every record protects, every unfinished step's checkpoints stay
     * @param dryRun remove nothing; the report says what would go
     * @throws Busy if another gc is at work on this store
     */
    public Report collect(Instant keepCutoff, boolean dryRun) throws IOException, Busy {
        Optional<Lease> gcLease = Lease.tryAcquire(store.gcLeaseFile(), "gc");
        if (gcLease.isEmpty()) {
            throw new Busy(Lease.liveHolder(store.gcLeaseFile()).orElse("another sdclr gc"));
        }
        try (Lease held = gcLease.get()) {
            return collectHeld(keepCutoff, dryRun);
        } finally {
            store.releaseStaging();
        }
    }

    private Report collectHeld(Instant keepCutoff, boolean dryRun) throws IOException {
        long before = storeBytes();
        List<Removal> removed = new ArrayList<>();
        // Live runs, looked for only now that gc's lease is taken: a run that starts later waits for gc.
        List<String> live = new ArrayList<>();
        Set<String> liveRunIds = new HashSet<>();
        for (Path f : list(root.resolve("live"))) {
            String name = f.getFileName().toString();
            if (!name.endsWith(".lease")) {
                continue;
            }
            Optional<String> holder = Lease.liveHolder(f);
            if (holder.isPresent()) {
                live.add(holder.get());
                liveRunIds.add(name.substring(0, name.length() - ".lease".length()));
            } else {
                removeLease(f, Kind.LEASE, dryRun, removed);
            }
        }

        // What the kept records reference.
        Set<String> referenced = new HashSet<>();
        List<String> prefixes = new ArrayList<>();
        int records = 0;
        for (JsonNode r : store.runRecords()) {
            if (keepCutoff != null && !startedAtOrAfter(r, keepCutoff)) {
                continue;
            }
            records++;
            for (JsonNode s : r.path("steps")) {
                String d = s.path("digest").asText("");
                if (HEX64.matcher(d).matches()) {
                    referenced.add(d);
                } else if (d.matches("[0-9a-f]{8,63}")) {
                    prefixes.add(d); // Records of an older layout kept a digest's beginning.
                }
            }
        }
        Map<String, List<Path>> keysByDigest = new HashMap<>();
        for (Path k : list(root.resolve("keys"))) {
            if (KEY_FILE.matcher(k.getFileName().toString()).matches()) {
                keysByDigest.computeIfAbsent(digestOfKey(k), d -> new ArrayList<>()).add(k);
            }
        }
        int kept = 0;
        long keptBytes = 0;
        int unrefKept = 0;
        long unrefKeptBytes = 0;
        // The artifacts there were when gc started (those it removes below included).
        Set<String> present = new HashSet<>();
        for (Path a : list(root.resolve("artifacts"))) {
            String digest = a.getFileName().toString();
            if (!HEX64.matcher(digest).matches()) {
                continue; // Not a name the store gives: not ours to remove.
            }
            present.add(digest);
            long bytes = sizeOf(a);
            if (referenced.contains(digest) || prefixes.stream().anyMatch(digest::startsWith)) {
                kept++;
                keptBytes += bytes;
            } else if (!live.isEmpty()) {
                unrefKept++;
                unrefKeptBytes += bytes;
            } else {
                // Keys first: a key never points at an artifact being removed.
                for (Path k : keysByDigest.getOrDefault(digest, List.of())) {
                    remove(k, Kind.KEY, dryRun, removed);
                }
                remove(a, Kind.ARTIFACT, dryRun, removed);
                Path stamp = root.resolve("stamps").resolve(digest + ".json");
                if (Files.exists(stamp, LinkOption.NOFOLLOW_LINKS)) {
                    remove(stamp, Kind.OTHER, dryRun, removed);
                }
            }
        }
        if (live.isEmpty()) {
            // Keys of artifacts that were already gone (the key file is written after the artifact, so none is in
            // flight); the keys of the artifacts removed above went with them.
            for (Map.Entry<String, List<Path>> e : keysByDigest.entrySet()) {
                if (HEX64.matcher(e.getKey()).matches() && !present.contains(e.getKey())) {
                    for (Path k : e.getValue()) {
                        remove(k, Kind.KEY, dryRun, removed);
                    }
                }
            }
        }
        Set<Path> gone = new HashSet<>();
        removed.forEach(r -> gone.add(r.path()));

        for (Path s : store.removableStaging(STAGING_MIN_AGE_MILLIS)) {
            remove(s, Kind.STAGING, dryRun, removed);
        }

        int resumable = 0;
        long resumableBytes = 0;
        for (Path w : list(root.resolve("work"))) {
            String key = w.getFileName().toString();
            if (!HEX64.matcher(key).matches()) {
                continue;
            }
            Path keyFile = root.resolve("keys").resolve(key + ".json");
            boolean committed = Files.isRegularFile(keyFile) && !gone.contains(keyFile);
            boolean expired = keepCutoff != null && newestChange(w) < keepCutoff.toEpochMilli();
            if ((committed || expired) && Lease.liveHolder(store.leaseFile(key)).isEmpty()) {
                if (dryRun) {
                    removed.add(new Removal(Kind.CHECKPOINT, w, sizeOf(w)));
                } else {
                    // Under the key's lease: a run that takes it meanwhile keeps its checkpoints.
                    Optional<Lease> lease = Lease.tryAcquire(store.leaseFile(key), "gc");
                    if (lease.isPresent()) {
                        try (Lease l = lease.get()) {
                            remove(w, Kind.CHECKPOINT, false, removed);
                        }
                    }
                }
            } else if (!committed && !isEmptyDir(w)) {
                resumable++;
                resumableBytes += sizeOf(w);
            } else if (!committed && live.isEmpty()) {
                remove(w, Kind.CHECKPOINT, dryRun, removed); // Empty, and no run about to write into it.
            }
        }

        for (Path l : list(root.resolve("leases"))) {
            if (l.getFileName().toString().endsWith(".lease") && Lease.liveHolder(l).isEmpty()) {
                removeLease(l, Kind.LEASE, dryRun, removed);
            }
        }
        for (Path p : list(root.resolve("progress"))) {
            if (!liveRunIds.contains(p.getFileName().toString()) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                remove(p, Kind.OTHER, dryRun, removed);
            }
        }
        for (Path st : list(root.resolve("stamps"))) {
            java.util.regex.Matcher m = KEY_FILE.matcher(st.getFileName().toString());
            // A stamp without its artifact; those of the artifacts removed above went with them.
            if (m.matches() && !present.contains(m.group(1))) {
                remove(st, Kind.OTHER, dryRun, removed);
            }
        }
        long tmpCutoff = System.currentTimeMillis() - TMP_MIN_AGE_MILLIS;
        for (String dir : List.of("keys", "runs", "stamps")) {
            for (Path t : list(root.resolve(dir))) {
                if (TMP_FILE.matcher(t.getFileName().toString()).matches() && modified(t) < tmpCutoff) {
                    remove(t, Kind.OTHER, dryRun, removed);
                }
            }
        }
        long after = dryRun ? before - removed.stream().mapToLong(Removal::bytes).sum() : storeBytes();
        return new Report(dryRun, before, after, List.copyOf(removed), List.copyOf(live), unrefKept, unrefKeptBytes,
                kept, keptBytes, records, resumable, resumableBytes);
    }

    /** The store's size, without gc's own lease. */
    private long storeBytes() {
        return sizeOf(root) - sizeOf(store.gcLeaseFile());
    }

    private static boolean startedAtOrAfter(JsonNode record, Instant cutoff) {
        String started = record.path("startedAt").asText("");
        if (started.isEmpty()) {
            // Records of an older layout have no times; their id starts with the local start time.
            String id = record.path("runId").asText("");
            try {
                return java.time.LocalDateTime.parse(id.substring(0, 15),
                        java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                        .atZone(java.time.ZoneId.systemDefault()).toInstant().compareTo(cutoff) >= 0;
            } catch (RuntimeException e) {
                return true; // Unknown age: protects, like a new record.
            }
        }
        try {
            return Instant.parse(started).compareTo(cutoff) >= 0;
        } catch (RuntimeException e) {
            return true;
        }
    }

    private static String digestOfKey(Path keyFile) {
        try {
            return Manifest.JSON.readTree(Files.readAllBytes(keyFile)).path("digest").asText("");
        } catch (IOException e) {
            return ""; // Unreadable: a miss for every run; left for the run that rewrites it.
        }
    }

    private void removeLease(Path f, Kind kind, boolean dryRun, List<Removal> removed) throws IOException {
        if (dryRun) {
            removed.add(new Removal(kind, f, sizeOf(f)));
            return;
        }
        long bytes = sizeOf(f);
        // Taking the lease over deletes a dead owner's file atomically; closing it removes ours.
        Optional<Lease> taken = Lease.tryAcquire(f, "gc");
        if (taken.isPresent()) {
            taken.get().close();
            removed.add(new Removal(kind, f, bytes));
        }
    }

    /**
     * Removes a store entry: a folder is first renamed away in one step, so it is never seen half-deleted (on S3: its
     * manifest is deleted first).
     */
    private void remove(Path p, Kind kind, boolean dryRun, List<Removal> removed) throws IOException {
        long bytes = sizeOf(p);
        if (!dryRun) {
            if (S3FileSystemProvider.isS3(p)) {
                // No rename on S3: an artifact's manifest goes first, so from then on it is absent, never a
                // half-deleted hit.
                Files.deleteIfExists(p.resolve(Manifest.FILE_NAME));
                ArtifactStore.deleteTree(p);
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                // Into gc's own staging folder: if gc is killed, the next run removes it as a dead owner's.
                Path trash = store.newStaging("gc");
                try {
                    Files.move(p, trash.resolve("removed"), StandardCopyOption.ATOMIC_MOVE);
                } catch (NoSuchFileException gone) {
                    Files.delete(trash);
                    return;
                }
                ArtifactStore.deleteTree(trash);
            } else {
                Files.deleteIfExists(p);
            }
        }
        removed.add(new Removal(kind, p, bytes));
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static boolean isEmptyDir(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static long modified(Path p) throws IOException {
        return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
    }

    /** The newest modification time of a folder or anything in it. */
    private static long newestChange(Path dir) throws IOException {
        long[] newest = {modified(dir)};
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                newest[0] = Math.max(newest[0], attrs.lastModifiedTime().toMillis());
                return FileVisitResult.CONTINUE;
            }
        });
        return newest[0];
    }

    /** Bytes of the regular files under {@code p} (links not followed); 0 for what vanished meanwhile. */
    public static long sizeOf(Path p) {
        long[] total = {0};
        try {
            Files.walkFileTree(p, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        total[0] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // Removed by its owner meanwhile.
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total[0];
    }
}
