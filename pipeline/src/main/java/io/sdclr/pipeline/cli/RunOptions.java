package io.sdclr.pipeline.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Options shared by {@code run} and {@code plan}. */
final class RunOptions {
    /** The store when {@code --store} is not given (picocli syntax: SDCLR_STORE, else .sdclr/store). */
    static final String DEFAULT_STORE = "${env:SDCLR_STORE:-.sdclr/store}";
    /** What {@code --device} takes. */
    static final java.util.List<String> DEVICES = java.util.List.of("auto", "cpu", "gpu");

    @Parameters(index = "0", paramLabel = "WORKFLOW", description = "Workflow name (see: sdclr list).")
    String workflow;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set a parameter (repeatable).")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--sweep", paramLabel = "KEY=V1,V2,...",
            description = "Run the workflow once per value (repeatable: the grid of all combinations); steps a "
                    + "point shares with another are computed once.")
    Map<String, String> sweep = new LinkedHashMap<>();

    @Option(names = "--sweep-file", paramLabel = "FILE",
            description = "Run the workflow once per line of FILE, each line the point's KEY=VALUE pairs separated by "
                    + "spaces (# starts a comment); steps points share are computed once.")
    Path sweepFile;

    @Option(names = "--yes", description = "Run a sweep of more than " + Sweep.MAX_POINTS + " points.")
    boolean yes;

    @Option(names = "--runner", paramLabel = "RUNNER", defaultValue = "direct",
            description = "direct (default), flink-local, or HOST:PORT of a Flink session cluster.")
    String runner;

    @Option(names = "--store", paramLabel = "DIR", converter = StorePath.class,
            defaultValue = DEFAULT_STORE,
            description = "Artifact store: a folder, hdfs://NAMENODE:PORT/PATH or s3://BUCKET/PATH "
                    + "(default: ${DEFAULT-VALUE}).")
    Path store;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: sdclr-out/WORKFLOW).")
    Path out;

    @Option(names = "--from", paramLabel = "STEP", description = "Re-run STEP and everything downstream of it.")
    String from;

    @Option(names = "--to", paramLabel = "STEP", description = "Stop after STEP.")
    String to;

    @Option(names = "--verify", description = "Re-hash every file of every cache hit (by default a hit whose files "
            + "kept their size and modification time since their last full check is trusted).")
    boolean verify;

    @Option(names = "--force", paramLabel = "STEP", description = "Re-run STEP even if cached (repeatable).")
    Set<String> force = new LinkedHashSet<>();

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "auto",
            description = "auto (GPU when DJL sees one), cpu or gpu. Not part of any cache key.")
    String device;

    @Option(names = "--parallelism", paramLabel = "N",
            description = "Runner parallelism (Flink slots / DirectRunner threads); default 1 on direct, 2 on Flink. "
                    + "Training steps always run with 1. Not part of any cache key.")
    Integer parallelism; // null: the runner's default

    @Option(names = "--trainings-per-taskmanager", paramLabel = "N", defaultValue = "1",
            description = "On a Flink session cluster (--runner HOST:PORT): how many exclusive steps (pretrainings) "
                    + "run at once on each TaskManager, e.g. its GPU count (default 1). Elsewhere they run one at a "
                    + "time. Not part of any cache key.")
    int trainingsPerTaskManager;

    /** {@code --trainings-per-taskmanager}, checked. */
    int trainingsPerTaskManager() {
        if (trainingsPerTaskManager < 1) {
            throw new io.sdclr.dsl.InvalidInputException("--trainings-per-taskmanager %d: expected a whole number >= 1",
                    trainingsPerTaskManager);
        }
        return trainingsPerTaskManager;
    }

    /** The parallelism to run with; 0 stands for the runner's default. */
    int parallelismOrDefault() {
        if (parallelism == null) {
            return 0;
        }
        if (parallelism < 1) {
            throw new io.sdclr.dsl.InvalidInputException("--parallelism %d: expected a whole number >= 1 (leave it"
                    + " out for the runner's default)", parallelism);
        }
        return parallelism;
    }

    /** These options for one point of a sweep: the point's values added to {@code --set}, no sweep. */
    RunOptions forPoint(Map<String, String> point) {
        RunOptions o = new RunOptions();
        o.workflow = workflow;
        o.set = new LinkedHashMap<>(set);
        o.set.putAll(point);
        o.runner = runner;
        o.store = store;
        o.out = out;
        o.from = from;
        o.to = to;
        o.verify = verify;
        o.force = force;
        o.device = device;
        o.parallelism = parallelism;
        o.trainingsPerTaskManager = trainingsPerTaskManager;
        return o;
    }

    Path outDir() {
        return out != null ? out : Path.of("sdclr-out", workflow);
    }
}
