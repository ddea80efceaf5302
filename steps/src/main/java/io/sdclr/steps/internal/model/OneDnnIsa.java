package io.sdclr.steps.internal.model;

import ai.djl.Device;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps oneDNN off its AVX-512 convolution kernels for encoders whose channel counts are not multiples of 16.
 *
 * <p>Why: measured here (AMD EPYC with AVX-512, libtorch 2.7.1 bundled with DJL 0.36, oneDNN 3.7.1): the
 * AVX-512 convolution backward returns wrong and run-to-run different input gradients when channels are not
 * a multiple of 16 (a single 4-in/8-out 3x3 conv's input gradient changed between identical calls; a width-0.125
 * ResNet, 8..64 channels, had NaN after one SGD step). With {@code ONEDNN_MAX_CPU_ISA=AVX2}, or with channel
 * counts that are multiples of 16 (width 0.25, 0.5, 1), training was bit-identical across runs. The AVX2 kernels
 * are ~25% slower, so the cap is applied only where needed.
 *
 * <p>How: oneDNN reads {@code ONEDNN_MAX_CPU_ISA} from the C environment when it creates its first primitive,
 * so setting it with libc {@code setenv} (through JNA, which DJL already depends on) before the first
 * convolution of the process is enough. It then holds for the whole process. An explicit
 * {@code ONEDNN_MAX_CPU_ISA} in the environment always wins. Convolutions run by other code in the same JVM
 * before ours cannot be seen here; the launcher can set the variable to be sure.
 */
public final class OneDnnIsa {
    private static final Logger LOG = LoggerFactory.getLogger(OneDnnIsa.class);
    private static final String VAR = "ONEDNN_MAX_CPU_ISA";
    private static boolean applied;
    private static boolean convolutionsRan;
    private static Boolean avx512;

    private OneDnnIsa() {}

    /** libc, for setenv. */
    interface CLib extends Library {
        int setenv(String name, String value, int overwrite);
    }

    /** True when some channel count of {@code spec} is not a multiple of 16. */
    public static boolean affects(EncoderSpec spec) {
        for (int s = 0; s < 4; s++) {
            if (spec.stageWidth(s) % 16 != 0) {
                return true;
            }
        }
        return false;
    }

    /** Called before a network of {@code spec} runs its first convolution: applies the cap if it can and must. */
    static synchronized void prepare(EncoderSpec spec) {
        if (applied || !affects(spec) || System.getenv(VAR) != null || !cpuHasAvx512() || convolutionsRan) {
            return;
        }
        try {
            CLib libc = Native.load("c", CLib.class);
            if (libc.setenv(VAR, "AVX2", 0) == 0) {
                applied = true;
                LOG.info("capping oneDNN at AVX2 for this process ({}=AVX2): encoder width {} has channel counts "
                        + "that are not multiples of 16, for which its AVX-512 convolution backward gives wrong "
                        + "gradients on this CPU", VAR, spec.width());
            }
        } catch (LinkageError | RuntimeException e) {
            LOG.warn("could not set {} in-process: {}", VAR, e.toString());
        }
    }

    /** Records that a convolution ran (after which the instruction set can no longer be changed). */
    static synchronized void convolutionRan() {
        convolutionsRan = true;
    }

    /**
     * Null when training {@code spec} on {@code device} is safe; otherwise what to do instead. Unsafe = CPU with
     * AVX-512, channels not multiples of 16, no {@code ONEDNN_MAX_CPU_ISA} given, and the cap not applied.
     */
    public static synchronized String trainingHazard(EncoderSpec spec, Device device) {
        prepare(spec);
        if (device.isGpu() || applied || !affects(spec) || System.getenv(VAR) != null || !cpuHasAvx512()) {
            return null;
        }
        return String.format(java.util.Locale.ROOT, "encoder width %s has channel counts that are not multiples of "
                + "16, for which oneDNN's AVX-512 convolution backward gives wrong gradients on this CPU, and the "
                + "AVX2 cap could not be applied in-process (a convolution already ran). Use width 0.25, 0.5 or 1, "
                + "or run with the environment variable %s=AVX2", spec.width(), VAR);
    }

    /** For the start-of-training line: which oneDNN instruction set cap is in force. */
    public static synchronized String describe() {
        String env = System.getenv(VAR);
        if (env != null) {
            return VAR + "=" + env + " (environment)";
        }
        return applied ? VAR + "=AVX2 (set in-process)" : "oneDNN default ISA";
    }

    private static boolean cpuHasAvx512() {
        if (avx512 == null) {
            try {
                avx512 = Files.readString(Path.of("/proc/cpuinfo")).contains(" avx512f");
            } catch (IOException | RuntimeException e) {
                avx512 = false; // not Linux: the fault was only seen with the Linux natives
            }
        }
        return avx512;
    }
}
