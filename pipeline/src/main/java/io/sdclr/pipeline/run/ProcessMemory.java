package io.sdclr.pipeline.run;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * This process's resident memory as Linux counts it, per wave of steps: the peak since the last {@link #resetPeak}
 * (VmHWM, reset through {@code /proc/self/clear_refs}) and where memory is now (Java heap committed, the rest).
 *
 * <pre>{@code
 * ProcessMemory.resetPeak();
 * ... run a wave ...
 * String said = ProcessMemory.describePeak(); // "peak RSS 2.4 GiB (Java heap 1.1 GiB committed)"
 * }</pre>
 *
 * <p>Outside Linux (no {@code /proc}) it reports nothing: {@link #describePeak} returns an empty string.
 */
final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcessMemory() {}

    /** Starts a new peak: the kernel sets VmHWM back to the current RSS (writing 5 to clear_refs). */
    static void resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5", StandardCharsets.US_ASCII);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // Not Linux, or not allowed: the peak is then the process's since its start.
        }
    }

    /** A field of /proc/self/status in bytes (VmHWM, VmRSS), or -1. */
    static long statusBytes(String field) {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Java heap committed now, in bytes. */
    static long heapCommitted() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getUsage().getCommitted();
            }
        }
        return sum;
    }

    /** "peak RSS X GiB (Java heap Y GiB committed)" for the time since the last reset, or "" where unknown. */
    static String describePeak() {
        long peak = statusBytes("VmHWM");
        if (peak < 0) {
            return "";
        }
        return String.format(Locale.ROOT, "peak RSS %.1f GiB (Java heap %.1f GiB committed)", gib(peak),
                gib(heapCommitted()));
    }

    private static double gib(long bytes) {
        return bytes / (double) (1L << 30);
    }
}
