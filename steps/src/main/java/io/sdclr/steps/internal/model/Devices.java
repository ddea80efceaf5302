package io.sdclr.steps.internal.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.sdclr.dsl.InvalidInputException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the device DJL computes on, and says which one once per JVM.
 *
 * <pre>{@code
 * Device device = Devices.resolve("auto"); // GPU when DJL sees one, else CPU
 * }</pre>
 */
public final class Devices {
    private static final Logger LOG = LoggerFactory.getLogger(Devices.class);
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    private Devices() {}

    /** {@code auto}: GPU 0 when visible, else CPU; {@code cpu}; {@code gpu}: GPU 0 or an error, never a silent CPU. */
    public static Device resolve(String preference) {
        String p = preference == null ? "auto" : preference.trim().toLowerCase(java.util.Locale.ROOT);
        int gpus;
        Device device;
        switch (p) {
            case "cpu" -> device = Device.cpu();
            case "gpu" -> {
                gpus = Engine.getInstance().getGpuCount();
                if (gpus == 0) {
                    // The CLI refuses this before anything runs; here for a step run by other means.
                    throw new InvalidInputException("%s", TorchRuntime.probe().gpuMissing());
                }
                device = Device.gpu(0);
            }
            case "auto" -> {
                gpus = Engine.getInstance().getGpuCount();
                device = gpus > 0 ? Device.gpu(0) : Device.cpu();
            }
            default -> throw new InvalidInputException(
                    "device is \"%s\", expected \"auto\", \"cpu\" or \"gpu\"", preference);
        }
        if (LOGGED.compareAndSet(false, true)) {
            if (device.isGpu()) {
                LOG.info("pretraining on {} ({})", device, preference);
            } else {
                // Debug only: the CLI's first line already said which libtorch and why no GPU (TorchRuntime), and
                // the training progress says "on CPU with N torch threads".
                LOG.debug("pretraining on CPU ({}){}", p.equals("cpu") ? "requested" : "no GPU visible to DJL",
                        ", " + torchThreads() + " torch threads");
            }
        }
        return device;
    }

    /** The intra-op thread count DJL gives PyTorch (system property, else the JVM's processor count). */
    public static String torchThreads() {
        return System.getProperty("ai.djl.pytorch.num_threads",
                Integer.toString(Runtime.getRuntime().availableProcessors()));
    }
}
