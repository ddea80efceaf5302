package io.sdclr.pipeline.cli;

import static com.google.common.truth.Truth.assertThat;

import io.sdclr.pipeline.store.ArtifactStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sdclr verify}: re-hashes the whole store and lists what is damaged. */
class VerifyCommandTest {
    @TempDir Path tmp;

    @Test
    void listsDamagedArtifactsAndExitsOne() throws Exception {
        ArtifactStore store = new ArtifactStore(tmp.resolve("store"));
        String[] digests = new String[2];
        for (int i = 0; i < 2; i++) {
            Path staging = store.newStaging("s" + i);
            Files.writeString(staging.resolve("part-0.txt"), "content " + i);
            digests[i] = store.commit(staging, "key" + i, "test/s" + i);
        }
        Sdclr.Result ok = Sdclr.run("verify", "--store", tmp.resolve("store").toString());
        assertThat(ok.code()).isEqualTo(0);
        assertThat(ok.out()).contains("verify: 2 artifacts");
        assertThat(ok.out()).contains("0 damaged");

        // One byte flipped in place: same size; its modification time put back, so only a re-hash can tell.
        Path victim = store.artifactDir(digests[1]).resolve("part-0.txt");
        java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(victim);
        byte[] bytes = Files.readAllBytes(victim);
        bytes[3] ^= 0x01;
        Files.write(victim, bytes, StandardOpenOption.TRUNCATE_EXISTING);
        Files.setLastModifiedTime(victim, mtime);
        Sdclr.Result bad = Sdclr.run("verify", "--store", tmp.resolve("store").toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).contains("damaged: artifact " + digests[1]);
        assertThat(bad.out()).doesNotContain("damaged: artifact " + digests[0]);
        assertThat(bad.out()).contains("1 damaged");
    }

    @Test
    void aFolderThatIsNoStoreIsAnInputError() {
        Sdclr.Result r = Sdclr.run("verify", "--store", tmp.resolve("nothing-here").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no artifact store there");
        assertThat(Files.exists(tmp.resolve("nothing-here"))).isFalse();
    }
}
