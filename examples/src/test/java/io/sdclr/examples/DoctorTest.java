package io.sdclr.examples;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.sdclr.steps.internal.model.TorchRuntime;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sdclr doctor}: one screen on what a run would use here; exit 0 when the default job can run, 2 with each
 * problem and its fix when it cannot. Nothing is written.
 */
class DoctorTest {
    @TempDir Path tmp;

    @Test
    void passesHereNamingLibtorchTheDataAndTheStore() {
        Path store = tmp.resolve("store");
        Cli.Result r = Cli.run("doctor", "--store", store.toString());
        assertThat(r.exitCode()).isEqualTo(0);
        assertThat(r.out()).containsMatch("(?m)^java {7}17\\.");
        assertThat(r.out()).containsMatch("(?m)^djl {8}0\\.36\\.0 \\(PyTorch engine\\)$");
        // The bundled CPU libtorch, and where DJL extracted it.
        assertThat(r.out()).containsMatch("(?m)^libtorch {3}2\\.7\\.1, cpu, /\\S+/pytorch/2\\.7\\.1-\\S*cpu-linux-x86_64$");
        assertThat(r.out()).containsMatch("(?m)^threads {4}torch intra-op \\d+ .*, inter-op \\d+ .*, JVM processors "
                + Runtime.getRuntime().availableProcessors() + "$");
        assertThat(r.out()).containsMatch("(?m)^allocator  (glibc malloc, tuned: MALLOC_MMAP_MAX_=0 |glibc default|jemalloc)");
        // Fashion-MNIST, read by the default job, is found; the paper's datasets are not on this machine.
        assertThat(r.out()).containsMatch("(?m)^data {7}/usr/share/datasets/fashion-mnist: found \\([^)]*fmnist-lt");
        assertThat(r.out()).containsMatch("(?m)^ {11}data/cifar-10-batches-bin: not found \\(cifar10-lt\\)$");
        assertThat(r.out()).containsMatch("(?m)^store {6}" + java.util.regex.Pattern.quote(store.toString())
                + ": absent, will be created, \\d+\\.\\d GiB free$");
        assertThat(r.lastLine()).isEqualTo("ok: ./sdclr run fmnist-lt can run here");
        assertThat(Files.exists(store)).isFalse();
    }

    @Test
    void aStoreThatIsAFileIsAProblemWithItsFix() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Cli.Result r = Cli.run("doctor", "--store", file.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).containsMatch("(?m)^store {6}" + java.util.regex.Pattern.quote(file.toString())
                + ": NOT usable, \\d+\\.\\d GiB free$");
        assertThat(r.out()).contains("1 problem: ./sdclr run fmnist-lt cannot run here\n1) --store " + file
                + ": is a file; expected a directory (created if absent); fix: pass --store DIR (or set "
                + "SDCLR_STORE=DIR) naming a directory this user can write (created if absent), or move " + file
                + " out of the way\n");
        assertThat(r.out()).endsWith(" out of the way\n");
    }

    /** Another workflow can be asked for; its data missing is then the problem, with the step's own message. */
    @Test
    void aWorkflowWhoseDataIsMissingCannotRun() {
        Cli.Result r = Cli.run("doctor", "cifar10-lt", "--store", tmp.resolve("store").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).contains("1 problem: ./sdclr run cifar10-lt cannot run here\n1) data.dir=data/cifar-10-batches-bin");
    }

    @Test
    void gpuAskedForOnAMachineWithoutOneIsAProblemNamingTheRoutes() {
        assumeFalse(TorchRuntime.probe().gpuUsable(), "this machine has a GPU");
        Cli.Result r = Cli.run("doctor", "--device", "gpu", "--store", tmp.resolve("store").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).containsMatch("(?m)^gpus {7}none usable: ");
        assertThat(r.out()).contains("1 problem: ./sdclr run fmnist-lt --device gpu cannot run here\n1) --device gpu: "
                + "no GPU visible to DJL (");
        assertThat(r.out()).contains("'mvn -B -DskipTests -Dgpu package'");
        assertThat(r.out()).contains("PYTORCH_LIBRARY_PATH=DIR");
    }

    @Test
    void badOptionsAreUsageErrors() {
        Cli.Result wf = Cli.run("doctor", "nope");
        assertThat(wf.exitCode()).isEqualTo(2);
        assertThat(wf.err()).startsWith("error: unknown workflow \"nope\"; valid workflows: smoke, fmnist-lt, ");
        Cli.Result device = Cli.run("doctor", "--device", "tpu");
        assertThat(device.exitCode()).isEqualTo(2);
        assertThat(device.err().strip()).isEqualTo("error: --device tpu: expected auto, cpu or gpu");
    }

    /**
     * A libtorch that does not load (here an empty libtorch.so named by PYTORCH_LIBRARY_PATH) is a problem with
     * DJL's error and the ways to a good one. Its own JVM: DJL loads libtorch once per process.
     */
    @Test
    void aLibtorchThatDoesNotLoadIsAProblemWithTheErrorAndTheRoutes() throws Exception {
        Path fake = Files.createDirectories(tmp.resolve("fake-libtorch"));
        Files.createFile(fake.resolve("libtorch.so"));
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.sdclr.pipeline.cli.Main", "doctor",
                "--store", tmp.resolve("store").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PYTORCH_LIBRARY_PATH", fake.toString());
        pb.environment().put("PYTORCH_FLAVOR", "cpu");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).containsMatch("(?m)^libtorch {3}did not load: Failed to load PyTorch native library: "
                + "UnsatisfiedLinkError: " + java.util.regex.Pattern.quote(fake.resolve("libtorch.so").toString()));
        assertThat(out).contains("1 problem: ./sdclr run fmnist-lt cannot run here\n1) libtorch did not load: ");
        assertThat(out).contains("PYTORCH_LIBRARY_PATH=DIR (now " + fake + ")");
        assertThat(out).contains("the -Dgpu build's download at first use from publish.djl.ai");
        assertThat(out).doesNotContain("\tat ");
    }
}
