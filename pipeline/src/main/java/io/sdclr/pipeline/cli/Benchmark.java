package io.sdclr.pipeline.cli;

import java.util.List;

/**
 * A benchmark run by {@code ./sdclr bench NAME [args]}. Implementations are found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.sdclr.pipeline.cli.Benchmark}).
 */
public interface Benchmark {
    String name();

    String description();

    /** Runs the benchmark; returns the process exit code. */
    int run(List<String> args) throws Exception;
}
