package io.sdclr.pipeline.cli;

import static com.google.common.truth.Truth.assertThat;

import io.sdclr.pipeline.store.ArtifactStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sdclr verify}: re-hashes the whole store and lists what is damaged. */
class VerifyCommandTest {
    @TempDir Path tmp;

    private record Result(int code, String out, String err) {}

    private static Result sdclr(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void listsDamagedArtifactsAndExitsOne() throws Exception {
        ArtifactStore store = new ArtifactStore(tmp.resolve("store"));
        String[] digests = new String[2];
        for (int i = 0; i < 2; i++) {
            Path staging = store.newStaging("s" + i);
            Files.writeString(staging.resolve("part-0.txt"), "content " + i);
            digests[i] = store.commit(staging, "key" + i, "test/s" + i);
        }
        Result ok = sdclr("verify", "--store", tmp.resolve("store").toString());
        assertThat(ok.code()).isEqualTo(0);
        assertThat(ok.out()).contains("verify: 2 artifacts");
        assertThat(ok.out()).contains("0 damaged");

        Files.write(store.artifactDir(digests[1]).resolve("part-0.txt"), new byte[] {7}, StandardOpenOption.APPEND);
        Result bad = sdclr("verify", "--store", tmp.resolve("store").toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).contains("damaged: artifact " + digests[1]);
        assertThat(bad.out()).doesNotContain("damaged: artifact " + digests[0]);
        assertThat(bad.out()).contains("1 damaged");
    }

    @Test
    void aFolderThatIsNoStoreIsAnInputError() {
        Result r = sdclr("verify", "--store", tmp.resolve("nothing-here").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no artifact store there");
        assertThat(Files.exists(tmp.resolve("nothing-here"))).isFalse();
    }
}
