package io.sdclr.examples.runtime;

import io.sdclr.pipeline.cli.ComputeBackend;
import io.sdclr.steps.internal.model.NativeMemory;
import io.sdclr.steps.internal.model.TorchRuntime;
import java.util.Map;
import java.util.Optional;

/**
 * Tells the CLI about libtorch ({@link TorchRuntime}): found by {@code run}, {@code bench} and {@code doctor}
 * through {@code META-INF/services/io.sdclr.pipeline.cli.ComputeBackend}. It lives here because this module is
 * the first that sees both the runtime (which knows no DJL) and the steps (which know no runtime).
 */
public final class TorchBackend implements ComputeBackend {
    @Override
    public String summary(String device) {
        return TorchRuntime.probe().summary(device);
    }

    @Override
    public Optional<String> problem(String device) {
        return TorchRuntime.probe().problem(device);
    }

    @Override
    public Map<String, String> details() {
        return TorchRuntime.probe().details();
    }

    /** A full GC (the Java heap shrinks to what is live), then malloc_trim (libtorch's freed buffers). */
    @Override
    public void releaseMemory() {
        System.gc();
        NativeMemory.release();
    }
}
