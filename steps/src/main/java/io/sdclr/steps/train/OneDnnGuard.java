package io.sdclr.steps.train;

import ai.djl.Device;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.steps.model.EncoderSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Refuses a CPU training run that would silently compute wrong gradients. Measured here (libtorch 2.7.1,
 * oneDNN 3.7.1, AMD EPYC with AVX-512): oneDNN's AVX-512 convolution backward-data kernel returns wrong and
 * run-to-run different input gradients when the channel count is not a multiple of 16 (e.g. 8 channels at
 * width 0.125 gave NaN after one SGD step); with {@code ONEDNN_MAX_CPU_ISA=AVX2}, or with channels that are
 * multiples of 16 (width 0.25, 0.5, 1), gradients are deterministic and agree with the AVX2 kernels.
 */
final class OneDnnGuard {
    private OneDnnGuard() {}

    static void check(EncoderSpec spec, Device device) {
        if (device.isGpu()) {
            return;
        }
        String isa = System.getenv("ONEDNN_MAX_CPU_ISA");
        if (isa != null) {
            String v = isa.trim().toUpperCase(Locale.ROOT);
            if (!v.isEmpty() && !v.startsWith("AVX512") && !v.equals("ALL") && !v.equals("DEFAULT")
                    && !v.startsWith("AVX10")) {
                return;
            }
        }
        for (int s = 0; s < 4; s++) {
            int c = spec.stageWidth(s);
            if (c % 16 != 0 && cpuHasAvx512()) {
                throw new InvalidInputException("encoder width %s gives %d-channel convolutions (not a multiple of "
                        + "16); oneDNN's AVX-512 kernels compute wrong convolution gradients for such shapes on this "
                        + "CPU. Use a width whose channel counts are multiples of 16 (0.25, 0.5, 1), or run with the "
                        + "environment variable ONEDNN_MAX_CPU_ISA=AVX2", spec.width(), c);
            }
        }
    }

    private static boolean cpuHasAvx512() {
        try {
            return Files.readString(Path.of("/proc/cpuinfo")).contains(" avx512f");
        } catch (IOException | RuntimeException e) {
            return false; // not Linux: the hazard was only seen with the Linux natives
        }
    }
}
