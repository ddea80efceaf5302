package io.sdclr.pipeline.run;

import com.google.inject.Module;
import io.sdclr.dsl.InvalidInputException;
import java.util.regex.Pattern;

/** The runner module for a {@code --runner} value: {@code direct}, {@code flink-local} or {@code HOST:PORT}. */
public final class RunnerModules {
    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.-]+:[0-9]{1,5}");

    private RunnerModules() {}

    /**
     * Whether the steps of a run on {@code runner} compute in this process ({@code direct}, {@code flink-local}),
     * so that this machine's libraries and devices are the ones they use; a cluster's TaskManagers load their own.
     */
    public static boolean computesHere(String runner) {
        return runner.equals("direct") || runner.equals("flink-local");
    }

    public static Module forName(String runner) {
        if (runner.equals("direct")) {
            return new DirectRunnerModule();
        }
        if (runner.equals("flink-local")) {
            return FlinkModule.embedded();
        }
        if (HOST_PORT.matcher(runner).matches()) {
            return FlinkModule.cluster(runner);
        }
        throw new InvalidInputException(
                "--runner %s: unknown runner; expected direct, flink-local or HOST:PORT of a Flink session cluster",
                runner);
    }
}
