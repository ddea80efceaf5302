package io.sdclr.pipeline.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.Params;
import io.sdclr.dsl.Workflow;
import io.sdclr.dsl.WorkflowDefinition;
import io.sdclr.dsl.WorkflowDefinitionException;
import io.sdclr.dsl.WorkflowGraph;
import io.sdclr.pipeline.run.ExecutionSettings;
import io.sdclr.pipeline.run.Publisher;
import io.sdclr.pipeline.run.RunRecord;
import io.sdclr.pipeline.run.RunRequest;
import io.sdclr.pipeline.run.RunSummary;
import io.sdclr.pipeline.run.RunnerModules;
import io.sdclr.pipeline.run.RuntimeModule;
import io.sdclr.pipeline.run.StepFailedException;
import io.sdclr.pipeline.run.StepStatus;
import io.sdclr.pipeline.run.WorkflowRunner;
import io.sdclr.pipeline.store.ArtifactStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * The {@code sdclr} command line. Exit codes: 0 success, 2 usage or input error, 1 failure while running; every
 * failure ends with a short message saying what, where and what to do.
 */
@Command(name = "sdclr", mixinStandardHelpOptions = true, version = "sdclr 0.1.0",
        description = "Typed, cached ML experiment workflows on Apache Beam (Direct or Flink).",
        subcommands = {Main.Run.class, Main.Plan.class, Main.ListWorkflows.class, Main.Bench.class, Doctor.class,
                Main.Verify.class, Gc.class, RunHistory.Runs.class, RunHistory.Show.class,
                RunHistory.Compare.class})
public final class Main implements Callable<Integer> {
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit code (tests call this in-process). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> handle(e, cmd));
        cl.setParameterExceptionHandler(Main::usageError);
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 2;
    }

    /**
     * A command line picocli cannot parse: one line naming the option and what was expected, and where to read
     * more; exit 2. (Picocli's own text repeats itself, e.g. "option option '--set'", and is followed by the whole
     * usage.)
     */
    static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String msg = e.getMessage().replace("option option", "option");
        java.util.regex.Matcher kv = java.util.regex.Pattern
                .compile("Value for option '(--\\S+)' \\(KEY=VALUE\\) should be in KEY=VALUE format but was (.*)")
                .matcher(msg);
        if (kv.matches()) {
            msg = kv.group(1) + " " + kv.group(2) + ": expected KEY=VALUE";
        }
        err.println("error: " + msg);
        err.println("(usage: " + cmd.getCommandSpec().qualifiedName() + " --help)");
        err.flush();
        return 2;
    }

    static int handle(Exception e, CommandLine cmd) {
        PrintWriter err = cmd.getErr();
        if (e instanceof InvalidInputException || e instanceof WorkflowDefinitionException) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 2;
        }
        Path trace = writeTrace(e);
        if (e instanceof StepFailedException) {
            err.println("error: " + e.getMessage());
        } else {
            err.println("error: internal failure: " + e);
        }
        err.println("(full stack trace: " + trace + ")");
        err.flush();
        return 1;
    }

    private static Path writeTrace(Exception e) {
        try {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "sdclr-errors");
            Files.createDirectories(dir);
            Path f = Files.createTempFile(dir, "trace-", ".txt");
            StringWriter sw = new StringWriter();
            e.printStackTrace(new PrintWriter(sw));
            Files.writeString(f, sw.toString());
            return f;
        } catch (Exception ignored) {
            return Path.of("(could not write)");
        }
    }

    static String newRunId() {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                + String.format("%04x", ThreadLocalRandom.current().nextInt(1 << 16));
    }

    /** Resolves the workflow, parameters and runtime for run/plan. */
    static final class Prepared {
        final WorkflowDefinition definition;
        final Params params;
        final Workflow workflow;
        final WorkflowGraph graph;
        final WorkflowRunner runner;
        final RunRequest request;
        /** The compute backend's line for the start of a run; empty for plan, a cluster, or no backend. */
        final Optional<String> computeLine;

        /**
         * {@code runs}: the command runs steps and publishes to {@code --out}; {@code --out} is then checked too, and
         * the compute backend is loaded and checked against {@code --device} (plan loads nothing).
         */
        Prepared(RunOptions o, boolean runs) {
            // Where the run writes, before anything else: a bad path must not cost a run.
            if (runs) {
                Locations.checkWritableDirectory("--store", o.store);
                Locations.checkStoreOrEmpty("--store", o.store);
                Locations.checkWritableDirectory("--out", o.outDir());
            } else {
                Locations.checkNotAFile("--store", o.store);
            }
            definition = new WorkflowCatalog().get(o.workflow);
            params = Params.of(o.set);
            workflow = definition.build(params);
            graph = workflow.validate();
            int parallelism = o.parallelismOrDefault();
            if (!RunOptions.DEVICES.contains(o.device)) {
                throw new InvalidInputException("--device %s: expected auto, cpu or gpu", o.device);
            }
            // Before the store is opened (the injector creates it): a GPU that is not there must cost nothing.
            computeLine = runs && RunnerModules.computesHere(o.runner) ? checkCompute(o.device) : Optional.empty();
            Injector injector = Guice.createInjector(RunnerModules.forName(o.runner),
                    new RuntimeModule(o.store, new ExecutionSettings(o.device, parallelism, o.trainingsPerTaskManager())));
            runner = injector.getInstance(WorkflowRunner.class);
            if (o.verify) {
                runner.store().verifyEveryHit();
            }
            if (runs && RunnerModules.computesHere(o.runner)) {
                // Steps run in this process: what one step freed goes back to the system before the next.
                ComputeBackend.onClassPath().ifPresent(b -> runner.afterEachWave(b::releaseMemory));
            }
            request = new RunRequest(Optional.ofNullable(o.from), Optional.ofNullable(o.to), o.force);
            runner.checkInputs(graph, request);
        }
    }

    /**
     * Every point of a sweep built and checked before anything runs: a bad value must not cost the points before
     * it. {@code runs} as for {@link Prepared}.
     */
    static List<Prepared> preparePoints(RunOptions options, Sweep.Points sweep, boolean runs) {
        List<Prepared> points = new ArrayList<>();
        for (int i = 0; i < sweep.points().size(); i++) {
            Map<String, String> point = sweep.points().get(i);
            points.add(Sweep.prepare(() -> new Prepared(options.forPoint(point), runs), point, sweep.origins().get(i)));
        }
        return points;
    }

    /**
     * Loads the compute backend, refuses a {@code device} it cannot give (exit 2, one message with the fix), and
     * returns its line for the start of the command.
     */
    static Optional<String> checkCompute(String device) {
        Optional<ComputeBackend> backend = ComputeBackend.onClassPath();
        if (backend.isEmpty()) {
            return Optional.empty();
        }
        backend.get().problem(device).ifPresent(msg -> {
            throw new InvalidInputException("%s", msg);
        });
        return Optional.of(backend.get().summary(device));
    }

    @Command(name = "run", description = "Run a workflow; cached steps are not recomputed.")
    static final class Run implements Callable<Integer> {
        @Mixin RunOptions options;

        @Override
        public Integer call() throws Exception {
            Sweep.Points sweep = Sweep.of(options);
            if (sweep.points().isEmpty()) {
                Prepared p = new Prepared(options, true);
                p.computeLine.ifPresent(line -> System.err.println("[sdclr] " + line));
                RunSummary summary = runOne(p, options, newRunId(), null, null, options.outDir());
                System.out.printf("done: workflow=%s run=%s ran=%d cached=%d out=%s%n", p.graph.name(),
                        summary.runId(), summary.ran(), summary.cached(), options.outDir());
                return 0;
            }
            List<Map<String, String>> grid = sweep.points();
            List<Prepared> points = preparePoints(options, sweep, true);
            points.get(0).computeLine.ifPresent(line -> System.err.println("[sdclr] " + line));
            String sweepId = newRunId();
            Path base = options.outDir().resolve("sweep-" + sweepId);
            long ran = 0;
            long cached = 0;
            java.util.Set<Path> usedFolders = new java.util.HashSet<>();
            for (int i = 0; i < grid.size(); i++) {
                Map<String, String> point = grid.get(i);
                System.err.printf("[sdclr] sweep %s point %d/%d: %s%n", sweepId, i + 1, grid.size(),
                        Sweep.label(point));
                // Two points of a sweep file may look alike once made safe for a folder name: never share one.
                Path out = base.resolve(Sweep.folder(point));
                if (!usedFolders.add(out)) {
                    out = base.resolve(Sweep.folder(point) + "_p" + (i + 1));
                }
                RunSummary s = runOne(points.get(i), options.forPoint(point), sweepId + "-p" + (i + 1), sweepId,
                        point, out);
                System.out.printf("point %d/%d: %s run=%s ran=%d cached=%d out=%s%n", i + 1, grid.size(),
                        Sweep.label(point), s.runId(), s.ran(), s.cached(), out);
                ran += s.ran();
                cached += s.cached();
            }
            System.out.printf("done: workflow=%s sweep=%s points=%d ran=%d cached=%d out=%s%n",
                    points.get(0).graph.name(), sweepId, grid.size(), ran, cached, base);
            return 0;
        }

        /** One run: its steps, its published files, its record. */
        private static RunSummary runOne(Prepared p, RunOptions o, String runId, String sweepId,
                Map<String, String> point, Path out) throws java.io.IOException {
            java.time.Instant start = java.time.Instant.now();
            System.err.println("[sdclr] workflow " + p.graph.name() + " run " + runId + " on " + p.runner.runnerName()
                    + ", store " + p.runner.store().root());
            RunSummary summary = p.runner.run(p.graph, p.request, runId, line -> System.err.println("[sdclr] " + line));
            List<String> published = new ArrayList<>();
            com.fasterxml.jackson.databind.JsonNode results = null;
            for (String step : p.graph.published()) {
                String digest = summary.digestOf(step);
                if (digest != null) {
                    for (Path f : Publisher.publish(p.runner.store(), digest, out)) {
                        System.err.println("[sdclr] wrote " + f);
                        published.add(f.toAbsolutePath().toString());
                        if (f.getFileName().toString().equals("results.json")) {
                            results = RunHistory.JSON.readTree(f.toFile());
                        }
                    }
                }
            }
            // The run's record, now with what it published: `sdclr runs` and `sdclr show` read it.
            p.runner.store().writeRunRecord(runId, RunRecord.of(p.workflow, p.graph, o.set, summary, start,
                    java.time.Instant.now(), published, results, sweepId, point));
            return summary;
        }
    }

    @Command(name = "plan", description = "Say which steps would run and why, without running anything.")
    static final class Plan implements Callable<Integer> {
        @Mixin RunOptions options;

        @Override
        public Integer call() {
            Sweep.Points sweep = Sweep.of(options);
            if (sweep.points().isEmpty()) {
                Prepared p = new Prepared(options, false);
                for (StepStatus s : p.runner.plan(p.graph, p.request)) {
                    System.out.println(s.planLine());
                }
                return 0;
            }
            List<Map<String, String>> grid = sweep.points();
            List<Prepared> points = preparePoints(options, sweep, false);
            // A step whose cache key an earlier point already has is computed once, by that point.
            Map<String, Integer> firstWithKey = new java.util.HashMap<>();
            for (int i = 0; i < grid.size(); i++) {
                System.out.printf("point %d/%d: %s%n", i + 1, grid.size(), Sweep.label(grid.get(i)));
                Prepared p = points.get(i);
                for (StepStatus s : p.runner.plan(p.graph, p.request)) {
                    Integer earlier = s.key() == null ? null : firstWithKey.putIfAbsent(s.key(), i + 1);
                    System.out.println("  " + (earlier != null && !s.hit()
                            ? s.name() + " shared with point " + earlier + " (computed once)" : s.planLine()));
                }
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List workflows with their parameters and defaults.")
    static final class ListWorkflows implements Callable<Integer> {
        @Override
        public Integer call() {
            for (WorkflowDefinition d : new WorkflowCatalog().all()) {
                System.out.println(d.name() + " - " + d.description());
                // The parameters are those the workflow's steps declare; the defaults are the values its code gives.
                List<Workflow.Parameter> params = d.build(Params.none()).parameters();
                int w = params.stream().mapToInt(x -> x.param().key().length()).max().orElse(0);
                for (Workflow.Parameter prm : params) {
                    System.out.printf("    %-" + w + "s = %-34s %-10s %s%n", prm.param().key(),
                            prm.varies() ? "(differs by step)" : prm.value(), prm.param().typeName(),
                            prm.param().description());
                }
                System.out.println();
            }
            return 0;
        }
    }

    @Command(name = "verify", description = "Re-hash every artifact in the store; damaged ones are listed (exit 1) "
            + "and recomputed by the next run that needs them.")
    static final class Verify implements Callable<Integer> {
        @Mixin ExistingStore store = new ExistingStore();

        @Override
        public Integer call() throws Exception {
            long t0 = System.nanoTime();
            ArtifactStore s = store.open();
            long bytes;
            int count;
            try (java.util.stream.Stream<Path> files = Files.walk(s.root().resolve("artifacts"))) {
                bytes = files.filter(Files::isRegularFile).mapToLong(f -> {
                    try {
                        return Files.size(f);
                    } catch (java.io.IOException e) {
                        return 0; // Gone meanwhile: verify reports what is left.
                    }
                }).sum();
            }
            try (java.util.stream.Stream<Path> dirs = Files.list(s.root().resolve("artifacts"))) {
                count = (int) dirs.count();
            }
            List<String> damaged;
            // While it re-hashes, the store is in use: sdclr gc removes no artifact meanwhile.
            try (io.sdclr.pipeline.store.Lease live = s.enterRun("verify-" + newRunId(),
                    gc -> System.err.println("[sdclr] waiting for sdclr gc to finish (" + gc + ")"))) {
                damaged = s.verifyAll();
            }
            for (String d : damaged) {
                System.out.println("damaged: artifact " + d + " (" + s.artifactDir(d) + ")");
            }
            System.out.printf("verify: %d artifacts, %.1f MB, %d damaged, %.1f s%n", count, bytes / 1e6,
                    damaged.size(), (System.nanoTime() - t0) / 1e9);
            return damaged.isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "bench", description = "Run a benchmark (sdclr bench NAME --help).")
    static final class Bench implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "Benchmark name.")
        String name;

        @CommandLine.Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            List<String> names = new ArrayList<>();
            for (Benchmark b : ServiceLoader.load(Benchmark.class)) {
                if (b.name().equals(name)) {
                    // Benchmarks compute here, on the device "auto" picks.
                    checkCompute("auto").ifPresent(line -> System.err.println("[sdclr] " + line));
                    return b.run(args);
                }
                names.add(b.name());
            }
            throw new InvalidInputException("unknown benchmark \"%s\"; valid benchmarks: %s", name,
                    names.isEmpty() ? "(none on the class path)" : String.join(", ", names));
        }
    }
}
