package io.sdclr.pipeline.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Exclusive right to compute one cache key. A lease is a file created atomically; its owner touches it every
 * few seconds (heartbeat). A lease not touched for {@link #EXPIRY_MILLIS} belongs to a dead run and is taken
 * over. A second run of the same step waits for the first instead of computing it twice.
 */
public final class Lease implements AutoCloseable {
    static final long HEARTBEAT_MILLIS = 5_000;
    static final long EXPIRY_MILLIS = 30_000;
    /**
     * The owner as a lease names it: {@code PID@HOST START_MILLIS}. Host and PID tell a dead process of this host at
     * once; the start time tells a PID reused by another process. An owner on another host is taken over only after
     * its heartbeat stopped for {@link #EXPIRY_MILLIS} (hosts' clocks must agree to a few seconds, as NTP keeps them).
     */
    static final String SELF = ManagementFactory.getRuntimeMXBean().getName() + " "
            + startMillis(ProcessHandle.current()).orElse(0L);

    private final Path file;
    private final ScheduledExecutorService heartbeat;

    private Lease(Path file) {
        this.file = file;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleAtFixedRate(() -> {
            try {
                Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
            } catch (IOException e) {
                // The next beat retries; a lease that cannot be touched eventually expires.
            }
        }, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the lease, waiting while another live owner holds it.
     *
     * @param waiting told once, with the current owner, when this call has to wait
     */
    public static Lease acquire(Path file, String owner, Consumer<String> waiting) {
        boolean told = false;
        while (true) {
            Attempt a = attempt(file, owner);
            if (a.lease() != null) {
                return a.lease();
            }
            if (!told) {
                waiting.accept(a.holder());
                told = true;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + file, e);
            }
        }
    }

    /**
     * Takes the lease if no live owner holds it (an expired or dead owner's lease is taken over), without waiting:
     * for housekeeping that must not disturb a run computing the key.
     */
    public static Optional<Lease> tryAcquire(Path file, String owner) {
        return Optional.ofNullable(attempt(file, owner).lease());
    }

    /**
     * Who holds the lease, if a live owner does: the file exists, was touched within {@link #EXPIRY_MILLIS} and its
     * owner is not a dead process of this host. For housekeeping that must leave a live owner's work alone.
     */
    public static Optional<String> liveHolder(Path file) {
        try {
            long age = System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis();
            String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
            return age > EXPIRY_MILLIS || deadOnThisHost(holder) ? Optional.empty() : Optional.of(holder);
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read lease " + file, e);
        }
    }

    /** The lease, or who holds it. */
    private record Attempt(Lease lease, String holder) {}

    private static Attempt attempt(Path file, String owner) {
        while (true) {
            try {
                Files.write(file, (owner + " " + SELF).getBytes(StandardCharsets.UTF_8),
                        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
                return new Attempt(new Lease(file), null);
            } catch (FileAlreadyExistsException held) {
                try {
                    long age = System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis();
                    String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
                    if (age > EXPIRY_MILLIS || deadOnThisHost(holder)) {
                        Files.deleteIfExists(file); // Owner died without releasing (kill -9, crash).
                        continue;
                    }
                    return new Attempt(null, holder);
                } catch (NoSuchFileException released) {
                    continue;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create lease " + file, e);
            }
        }
    }

    /**
     * True when the lease's owner ("RUN PID@HOST START", as written by {@link #acquire}) is a process of this host that
     * no longer exists, so a run restarted after {@code kill -9} need not wait for the lease to expire. An owner
     * on another host, or a PID that is alive (even if reused), is left to the heartbeat expiry.
     */
    static boolean deadOnThisHost(String holder) {
        String[] parts = holder.trim().split("\\s+");
        int j = parts.length - 1;
        while (j >= 0 && parts[j].indexOf('@') <= 0) {
            j--;
        }
        if (j < 0) {
            return false;
        }
        String jvm = parts[j];
        int at = jvm.indexOf('@');
        String self = ManagementFactory.getRuntimeMXBean().getName();
        if (!jvm.substring(at + 1).equals(self.substring(self.indexOf('@') + 1))) {
            return false;
        }
        try {
            long pid = Long.parseLong(jvm.substring(0, at));
            Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            if (p.isEmpty()) {
                return true;
            }
            // The PID is alive: the owner's, unless it was reused by a process started at another time.
            if (j + 1 < parts.length) {
                long started = Long.parseLong(parts[j + 1]);
                return startMillis(p.get()).map(t -> t != started).orElse(false);
            }
            return false;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Optional<Long> startMillis(ProcessHandle p) {
        return p.info().startInstant().map(java.time.Instant::toEpochMilli);
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // An undeleted lease expires on its own.
        }
    }
}
