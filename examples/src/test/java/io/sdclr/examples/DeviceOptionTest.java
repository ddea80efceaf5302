package io.sdclr.examples;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.sdclr.steps.internal.model.TorchRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --device}: a run says at its start which libtorch and devices it uses; {@code gpu} without a GPU is refused
 * before anything runs; {@code auto} falls back to the CPU and says so once.
 */
class DeviceOptionTest {
    @TempDir Path tmp;

    @Test
    void gpuWithoutOneIsOneMessageNamingTheRoutesAndNothingIsWritten() {
        assumeFalse(TorchRuntime.probe().gpuUsable(), "this machine has a GPU");
        Path store = tmp.resolve("store");
        Path out = tmp.resolve("out");
        Cli.Result r = Cli.run("run", "smoke", "--device", "gpu", "--store", store.toString(), "--out", out.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        String err = r.err().strip();
        assertThat(err).doesNotContain("\n");
        assertThat(err).startsWith("error: --device gpu: no GPU visible to DJL (");
        assertThat(err).contains("build with 'mvn -B -DskipTests -Dgpu package' (no natives jar: DJL downloads "
                + "libtorch 2.7.1 for PYTORCH_FLAVOR, default cu128, into DJL_CACHE_DIR at first use)");
        assertThat(err).contains("PYTORCH_LIBRARY_PATH=DIR (the folder holding libtorch.so, e.g. a pip torch "
                + "2.7.1+cu128's torch/lib) PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128");
        assertThat(err).contains("See the README's GPU section");
        // Nothing ran: no run started, no store created, nothing published.
        assertThat(r.out()).isEmpty();
        assertThat(Files.exists(store)).isFalse();
        assertThat(Files.exists(out)).isFalse();
    }

    @Test
    void autoWithoutAGpuSaysOnceThatItUsesTheCpuAndPlanSaysNothing() {
        assumeFalse(TorchRuntime.probe().gpuUsable(), "this machine has a GPU");
        Path store = tmp.resolve("store");
        Cli.Result r = Cli.run("run", "smoke", "--to", "data", "--store", store.toString(), "--out",
                tmp.resolve("out").toString());
        assertThat(r.exitCode()).isEqualTo(0);
        // The first line, before the run's own.
        assertThat(r.err()).containsMatch("^\\[sdclr\\] libtorch 2\\.7\\.1 \\(cpu, /\\S+\\) · devices: cpu — no GPU "
                + "visible \\([^\\n]+\\); using CPU\\n\\[sdclr\\] workflow smoke run ");
        Matcher once = Pattern.compile("no GPU").matcher(r.err());
        int count = 0;
        while (once.find()) {
            count++;
        }
        assertThat(count).isEqualTo(1);

        Cli.Result plan = Cli.run("plan", "smoke", "--store", store.toString());
        assertThat(plan.exitCode()).isEqualTo(0);
        assertThat(plan.err()).doesNotContain("libtorch");
    }
}
