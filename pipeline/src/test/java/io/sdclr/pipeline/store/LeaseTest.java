package io.sdclr.pipeline.store;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaseTest {
    @TempDir Path tmp;

    @Test
    void aSecondOwnerWaitsUntilTheFirstReleases() throws Exception {
        Path file = tmp.resolve("k.lease");
        List<String> told = new ArrayList<>();
        AtomicLong acquiredAt = new AtomicLong();
        CountDownLatch waiting = new CountDownLatch(1);
        long releasedAt;
        try (Lease first = Lease.acquire(file, "run-1", o -> {})) {
            Thread second = new Thread(() -> {
                try (Lease l = Lease.acquire(file, "run-2", owner -> {
                    told.add(owner);
                    waiting.countDown();
                })) {
                    acquiredAt.set(System.nanoTime());
                }
            });
            second.start();
            assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(acquiredAt.get()).isEqualTo(0);
            releasedAt = System.nanoTime();
            first.close();
            second.join(10_000);
        }
        assertThat(acquiredAt.get()).isGreaterThan(releasedAt);
        assertThat(told.get(0)).startsWith("run-1 ");
        assertThat(Files.exists(file)).isFalse();
    }

    @Test
    void aLeaseWhoseOwnerStoppedBeatingIsTakenOver() throws Exception {
        Path file = tmp.resolve("k.lease");
        Files.writeString(file, "dead-run 1@host");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - Lease.EXPIRY_MILLIS - 1000));
        List<String> told = new ArrayList<>();
        try (Lease l = Lease.acquire(file, "run-2", told::add)) {
            assertThat(Files.readString(file)).startsWith("run-2 ");
        }
        assertThat(told).isEmpty();
    }

    @Test
    void aFreshLeaseOfAProcessThatNoLongerExistsOnThisHostIsTakenOverAtOnce() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String self = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
        String host = self.substring(self.indexOf('@') + 1);
        Path file = tmp.resolve("k.lease");
        Files.writeString(file, "killed-run " + gone.pid() + "@" + host); // Just written: far from expiry.
        List<String> told = new ArrayList<>();
        try (Lease l = Lease.acquire(file, "run-2", told::add)) {
            assertThat(Files.readString(file)).startsWith("run-2 ");
        }
        assertThat(told).isEmpty();
    }

    @Test
    void onlyADeadProcessOfThisHostCountsAsDead() {
        String self = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
        assertThat(Lease.deadOnThisHost("run " + self)).isFalse(); // Alive: this JVM.
        assertThat(Lease.deadOnThisHost("run 1@another-host-" + System.nanoTime())).isFalse();
        assertThat(Lease.deadOnThisHost("garbage")).isFalse();
        assertThat(Lease.deadOnThisHost("run " + Lease.SELF)).isFalse(); // This JVM, with its start time.
    }

    @Test
    void aLivePidWithAnotherStartTimeIsAReusedPidSoItsLeaseIsDead() {
        String self = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
        long started = Long.parseLong(Lease.SELF.substring(Lease.SELF.lastIndexOf(' ') + 1));
        assertThat(started).isGreaterThan(0L);
        assertThat(Lease.deadOnThisHost("run " + self + " " + (started - 60_000))).isTrue();
        assertThat(Lease.deadOnThisHost("run " + self + " " + started)).isFalse();
    }

    @Test
    void tryAcquireTakesAFreeOrDeadLeaseAndNeverWaitsForALiveOne() throws Exception {
        Path file = tmp.resolve("k.lease");
        try (Lease held = Lease.acquire(file, "run-1", o -> {})) {
            assertThat(Lease.tryAcquire(file, "housekeeping")).isEmpty();
            assertThat(Files.readString(file)).startsWith("run-1 ");
        }
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String self = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
        Files.writeString(file, "killed-run " + gone.pid() + "@" + self.substring(self.indexOf('@') + 1));
        java.util.Optional<Lease> taken = Lease.tryAcquire(file, "housekeeping");
        assertThat(taken).isPresent();
        assertThat(Files.readString(file)).startsWith("housekeeping ");
        taken.get().close();
        assertThat(Files.exists(file)).isFalse();
    }
}
