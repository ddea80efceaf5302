package io.sdclr.steps.model;

import ai.djl.Device;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps oneDNN off its AVX-512 convolution kernels unless the user chose otherwise.
 *
 * <p>Why: measured on this project's machines (AMD EPYC with AVX-512, libtorch 2.7.1 bundled with DJL 0.36,
 * oneDNN 3.7.1, 2 threads), oneDNN's AVX-512 convolution backward returns wrong and run-to-run different
 * gradients: with 8-channel convs a single conv's input gradient changed between identical calls and training
 * hit NaN after one step; at width 0.25 (16..128 channels), batch 256, 28x28, two identical SimCLR runs
 * diverged after 4 iterations and one reached NaN at lr 0.014. Capped at AVX2 (or SSE4.1/AVX), results were
 * bit-identical across runs and thread counts, at ~30% lower conv throughput.
 *
 * <p>How: oneDNN reads {@code ONEDNN_MAX_CPU_ISA} from the C environment when it creates its first primitive,
 * so setting it with libc {@code setenv} (through JNA, which DJL already depends on) before the first
 * convolution of the process is enough. An explicit {@code ONEDNN_MAX_CPU_ISA} in the environment always wins.
 */
public final class OneDnnIsa {
    private static final Logger LOG = LoggerFactory.getLogger(OneDnnIsa.class);
    private static final String VAR = "ONEDNN_MAX_CPU_ISA";
    private static boolean applied;
    private static boolean checked;

    private OneDnnIsa() {}

    /** libc, for setenv. */
    interface CLib extends Library {
        int setenv(String name, String value, int overwrite);
    }

    /** Caps oneDNN at AVX2 on AVX-512 CPUs unless {@code ONEDNN_MAX_CPU_ISA} is set. Idempotent. */
    static synchronized void capBeforeFirstConvolution() {
        if (checked) {
            return;
        }
        checked = true;
        if (System.getenv(VAR) != null || !cpuHasAvx512()) {
            return;
        }
        try {
            CLib libc = Native.load("c", CLib.class);
            if (libc.setenv(VAR, "AVX2", 0) == 0) {
                applied = true;
                LOG.info("capping oneDNN at AVX2 ({}=AVX2): its AVX-512 convolution backward gives wrong, "
                        + "nondeterministic gradients on this CPU; set {} yourself to override", VAR, VAR);
            }
        } catch (LinkageError | RuntimeException e) {
            LOG.warn("could not set {} in-process ({}); training on this CPU is refused unless it is set", VAR,
                    e.toString());
        }
    }

    /**
     * Null when CPU training on {@code device} is safe; else what to do. Unsafe = AVX-512 CPU, no explicit
     * {@code ONEDNN_MAX_CPU_ISA}, and the in-process cap could not be applied.
     */
    public static synchronized String trainingHazard(Device device) {
        capBeforeFirstConvolution();
        if (device.isGpu() || applied || System.getenv(VAR) != null || !cpuHasAvx512()) {
            return null;
        }
        return "oneDNN's AVX-512 convolution backward gives wrong gradients on this CPU and the AVX2 cap could not "
                + "be applied in-process; run with the environment variable " + VAR + "=AVX2";
    }

    /** A description for logs: the cap in force, if any. */
    public static String describe() {
        String env = System.getenv(VAR);
        if (env != null) {
            return VAR + "=" + env.toUpperCase(Locale.ROOT) + " (from the environment)";
        }
        return applied ? VAR + "=AVX2 (set in-process)" : "oneDNN default ISA";
    }

    private static boolean cpuHasAvx512() {
        try {
            return Files.readString(Path.of("/proc/cpuinfo")).contains(" avx512f");
        } catch (IOException | RuntimeException e) {
            return false; // not Linux: the fault was only seen with the Linux natives
        }
    }
}
