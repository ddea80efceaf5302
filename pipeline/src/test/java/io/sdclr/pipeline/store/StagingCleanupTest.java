package io.sdclr.pipeline.store;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, item 8: staging folders carry their owner ({@code staging/PID@HOST/}), so a dead owner's leftovers go at
 * once and a live run's are never touched; what the store cannot check keeps the age rule.
 */
class StagingCleanupTest {
    private static final long SIX_HOURS = 6 * 3600_000L;

    @TempDir Path tmp;

    private static String host() {
        String self = ManagementFactory.getRuntimeMXBean().getName();
        return self.substring(self.indexOf('@') + 1);
    }

    private static Path staged(Path ownerDir) throws IOException {
        Path dir = Files.createDirectories(ownerDir.resolve("features-simclr-s0-" + UUID.randomUUID()));
        Files.writeString(dir.resolve("data-00000-of-00001.avro"), "half-written");
        return dir;
    }

    private static void age(Path p, long millis) throws IOException {
        Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - millis));
    }

    @Test
    void stagingIsMadeInsideTheFolderOfItsOwnerProcess() {
        ArtifactStore store = new ArtifactStore(tmp);
        Path staging = store.newStaging("probe-sdclr-s0");
        assertThat(staging.getParent().getFileName().toString())
                .isEqualTo(ProcessHandle.current().pid() + "@" + host());
        assertThat(staging.getFileName().toString()).startsWith("probe-sdclr-s0-");
    }

    @Test
    void aDeadOwnersStagingGoesAtOnceWhateverItsAge() throws Exception {
        ArtifactStore store = new ArtifactStore(tmp);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path dead = staged(tmp.resolve("staging").resolve(gone.pid() + "@" + host()));
        store.cleanStaging(SIX_HOURS);
        assertThat(Files.exists(dead.getParent())).isFalse();
    }

    @Test
    void aLiveOwnersStagingIsKeptWhileItLivesEvenWhenOld() throws Exception {
        ArtifactStore store = new ArtifactStore(tmp);
        Process live = new ProcessBuilder("sleep", "600").start();
        Path owner = tmp.resolve("staging").resolve(live.pid() + "@" + host());
        Path staging;
        try {
            staging = staged(owner);
            store.cleanStaging(SIX_HOURS);
            assertThat(Files.isRegularFile(staging.resolve("data-00000-of-00001.avro"))).isTrue();
        } finally {
            live.destroy();
            live.waitFor();
        }
        store.cleanStaging(SIX_HOURS);
        assertThat(Files.exists(owner)).isFalse();
    }

    @Test
    void thisProcesssStagingIsNeverTouched() {
        ArtifactStore store = new ArtifactStore(tmp);
        Path mine = store.newStaging("pretrain-sdclr-s0");
        store.cleanStaging(0);
        assertThat(Files.isDirectory(mine)).isTrue();
        // Released only when empty: every output committed or discarded.
        store.releaseStaging();
        assertThat(Files.isDirectory(mine)).isTrue();
    }

    @Test
    void ownersOnAnotherHostAndFoldersOfTheOldLayoutKeepTheAgeRule() throws IOException {
        ArtifactStore store = new ArtifactStore(tmp);
        Path remote = staged(tmp.resolve("staging").resolve("4242@another-host-" + UUID.randomUUID()));
        Path legacy = Files.createDirectories(tmp.resolve("staging").resolve("subset-" + UUID.randomUUID()));
        store.cleanStaging(SIX_HOURS);
        assertThat(Files.isDirectory(remote)).isTrue();
        assertThat(Files.isDirectory(legacy)).isTrue();

        age(remote, SIX_HOURS + 60_000);
        age(legacy, SIX_HOURS + 60_000);
        store.cleanStaging(SIX_HOURS);
        assertThat(Files.exists(remote)).isFalse();
        assertThat(Files.exists(legacy)).isFalse();
        // The remote owner's folder itself is young (its content just went): it stays until it is old too.
        assertThat(Files.isDirectory(remote.getParent())).isTrue();
    }
}
