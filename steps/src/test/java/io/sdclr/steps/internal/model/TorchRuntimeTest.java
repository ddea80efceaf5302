package io.sdclr.steps.internal.model;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code run}, {@code bench} and {@code doctor} say about libtorch and the devices. */
class TorchRuntimeTest {
    @TempDir Path tmp;

    private static final TorchRuntime CPU_HERE = new TorchRuntime("0.36.0", "2.7.1", "cpu",
            "/c/pytorch/2.7.1-cpu-linux-x86_64", null, false, List.of(), null,
            List.of("no NVIDIA driver: /proc/driver/nvidia/version is absent", "this libtorch is a CPU build"), 2, 1);

    private static final TorchRuntime H200 = new TorchRuntime("0.36.0", "2.7.1", "cu128",
            "/c/pytorch/2.7.1-cu128-linux-x86_64", null, true,
            List.of(new TorchRuntime.Gpu(0, "NVIDIA H200", 150_122_020_864L, "9.0")), "12.8", List.of(), 16, 1);

    /** DJL's cache folder names what DJL extracted or downloaded, whatever PYTORCH_FLAVOR says. */
    @Test
    void flavourIsReadFromDjlsCacheFolderFirst() {
        assertThat(TorchRuntime.flavourOf(null, Path.of("/c/pytorch/2.7.1-cpu-linux-x86_64"))).isEqualTo("cpu");
        // The bundled jar's version carries its build date.
        assertThat(TorchRuntime.flavourOf(null, Path.of("/c/pytorch/2.7.1-20250812-cpu-linux-x86_64")))
                .isEqualTo("cpu");
        assertThat(TorchRuntime.flavourOf("", Path.of("/c/pytorch/2.7.1-cu128-linux-x86_64"))).isEqualTo("cu128");
        assertThat(TorchRuntime.flavourOf(null, Path.of("/c/pytorch/2.5.1-cpu-precxx11-linux-x86_64")))
                .isEqualTo("cpu-precxx11");
        assertThat(TorchRuntime.flavourOf("cu128", Path.of("/c/pytorch/2.7.1-20250812-cpu-linux-x86_64")))
                .isEqualTo("cpu");
    }

    /** A libtorch of one's own (PYTORCH_LIBRARY_PATH): PYTORCH_FLAVOR, else what the folder holds. */
    @Test
    void flavourOfOnesOwnLibtorchIsPytorchFlavorElseWhatTheFolderHolds() throws IOException {
        Path pip = Files.createDirectories(tmp.resolve("site-packages/torch/lib"));
        Files.createFile(pip.resolve("libtorch.so"));
        assertThat(TorchRuntime.flavourOf("cu128", pip)).isEqualTo("cu128");
        assertThat(TorchRuntime.flavourOf(null, pip)).isEqualTo("cpu");
        assertThat(TorchRuntime.flavourOf("  ", pip)).isEqualTo("cpu");
        Files.createFile(pip.resolve("libtorch_cuda.so"));
        assertThat(TorchRuntime.flavourOf(null, pip)).isEqualTo("cuda");
    }

    @Test
    void withoutAGpuAutoSaysOnceWhyAndThatItUsesTheCpu() {
        assertThat(CPU_HERE.summary("auto")).isEqualTo("libtorch 2.7.1 (cpu, /c/pytorch/2.7.1-cpu-linux-x86_64) · "
                + "devices: cpu — no GPU visible (no NVIDIA driver: /proc/driver/nvidia/version is absent; this "
                + "libtorch is a CPU build); using CPU");
        assertThat(CPU_HERE.summary("cpu")).endsWith("· devices: cpu — no GPU: no NVIDIA driver: "
                + "/proc/driver/nvidia/version is absent; this libtorch is a CPU build");
        assertThat(CPU_HERE.problem("auto")).isEmpty();
        assertThat(CPU_HERE.problem("cpu")).isEmpty();
    }

    @Test
    void gpuWithoutOneIsOneMessageNamingWhatIsMissingAndBothRoutes() {
        String msg = CPU_HERE.problem("gpu").orElseThrow();
        assertThat(msg).doesNotContain("\n");
        assertThat(msg).startsWith("--device gpu: no GPU visible to DJL (no NVIDIA driver: "
                + "/proc/driver/nvidia/version is absent; this libtorch is a CPU build). ");
        assertThat(msg).contains("'mvn -B -DskipTests -Dgpu package'");
        assertThat(msg).contains("PYTORCH_FLAVOR, default cu128, into DJL_CACHE_DIR at first use");
        assertThat(msg).contains("PYTORCH_LIBRARY_PATH=DIR");
        assertThat(msg).contains("PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128");
        assertThat(msg).contains("README's GPU section");
    }

    @Test
    void aVisibleGpuIsNamedAndUsedUnlessCpuIsAsked() {
        assertThat(H200.summary("auto")).isEqualTo("libtorch 2.7.1 (cu128, /c/pytorch/2.7.1-cu128-linux-x86_64) · "
                + "devices: gpu0 NVIDIA H200 (139.8 GiB, compute 9.0); CUDA 12.8; using gpu0");
        assertThat(H200.summary("cpu")).endsWith("; CUDA 12.8; using CPU (--device cpu)");
        assertThat(H200.problem("gpu")).isEmpty();
        assertThat(H200.details()).containsEntry("gpus", "gpu0 NVIDIA H200 (139.8 GiB, compute 9.0); CUDA 12.8");
        assertThat(H200.details()).containsEntry("libtorch", "2.7.1, cu128 (CUDA build), "
                + "/c/pytorch/2.7.1-cu128-linux-x86_64");
    }

    /** GPUs the CUDA runtime sees are not usable by a CPU libtorch, and doctor says both. */
    @Test
    void gpusBesideACpuLibtorchAreListedAsUnusable() {
        TorchRuntime rt = new TorchRuntime("0.36.0", "2.7.1", "cpu", "/c/x", null, false, H200.gpus(), "12.8",
                List.of("this libtorch is a CPU build"), 16, 1);
        assertThat(rt.gpuUsable()).isFalse();
        assertThat(rt.details().get("gpus")).isEqualTo("none usable: this libtorch is a CPU build (the CUDA runtime "
                + "sees gpu0 NVIDIA H200 (139.8 GiB, compute 9.0); CUDA 12.8)");
    }

    @Test
    void aLibtorchThatDoesNotLoadIsAProblemForEveryDevice() {
        TorchRuntime rt = new TorchRuntime("0.36.0", null, null, null,
                "Failed to load PyTorch native library: UnsatisfiedLinkError: /x/libtorch.so: file too short", false,
                List.of(), null, List.of(), 0, 0);
        for (String device : List.of("auto", "cpu", "gpu")) {
            assertThat(rt.problem(device).orElseThrow()).startsWith("libtorch did not load: Failed to load PyTorch "
                    + "native library: UnsatisfiedLinkError: /x/libtorch.so: file too short. DJL gets libtorch 2.7.1 "
                    + "one of three ways: ");
        }
        assertThat(rt.details()).containsEntry("libtorch", "did not load: Failed to load PyTorch native library: "
                + "UnsatisfiedLinkError: /x/libtorch.so: file too short");
    }

    /** This machine: the bundled CPU libtorch 2.7.1, loaded from DJL's cache; no GPU here. */
    @Test
    void probeReportsTheBundledCpuLibtorch() {
        TorchRuntime rt = TorchRuntime.probe();
        assertThat(rt.loadError()).isNull();
        assertThat(rt.libtorchVersion()).isEqualTo("2.7.1");
        assertThat(rt.djlVersion()).isEqualTo("0.36.0");
        assertThat(Files.isRegularFile(Path.of(rt.libtorchDir(), "libtorch.so"))).isTrue();
        assumeFalse(rt.cudaBuild(), "a CUDA libtorch is loaded");
        assertThat(rt.flavour()).isEqualTo("cpu");
        assertThat(rt.gpuUsable()).isFalse();
        assertThat(rt.noGpuReasons()).contains("this libtorch is a CPU build");
        assertThat(rt.intraOpThreads()).isGreaterThan(0);
    }
}
