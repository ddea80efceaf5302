package io.sdclr.pipeline.cli;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The native library the steps compute with (libtorch through DJL in the shipped build), as far as the CLI reports
 * and checks it: one line at the start of {@code run} and {@code bench}, the {@code --device} check before anything
 * runs, and a section of {@code doctor}. The runtime itself knows no DJL: an implementation is found with
 * {@link ServiceLoader} ({@code META-INF/services/io.sdclr.pipeline.cli.ComputeBackend}); with none on the class path
 * the CLI says and checks nothing. Loading the library takes a second, so only commands that compute ask.
 *
 * <pre>{@code
 * ComputeBackend.onClassPath().ifPresent(b -> {
 *     b.problem("gpu").ifPresent(msg -> { throw new InvalidInputException("%s", msg); });
 *     System.err.println("[sdclr] " + b.summary("gpu"));
 * });
 * }</pre>
 */
public interface ComputeBackend {
    /**
     * One line: the library, its flavour and directory, the devices, and which one {@code device} ({@code auto},
     * {@code cpu}, {@code gpu}) uses.
     */
    String summary(String device);

    /**
     * Why {@code device} cannot be used here (no GPU for {@code gpu}, a library that does not load), as one message
     * naming what is missing and the fix; empty when it can.
     */
    Optional<String> problem(String device);

    /** Doctor's lines, label to text, in order. */
    Map<String, String> details();

    /**
     * Gives memory the last steps freed back to the operating system; called between waves of steps that run in
     * this process (never on a cluster's TaskManagers). Default: nothing.
     */
    default void releaseMemory() {}

    /** The first implementation on the class path. */
    static Optional<ComputeBackend> onClassPath() {
        Iterator<ComputeBackend> it = ServiceLoader.load(ComputeBackend.class).iterator();
        return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
    }
}
