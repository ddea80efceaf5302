package io.sdclr.pipeline.cli;

import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.Params;
import io.sdclr.dsl.Workflow;
import io.sdclr.dsl.WorkflowDefinition;
import io.sdclr.dsl.WorkflowDefinitionException;
import io.sdclr.dsl.WorkflowGraph;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./sdclr doctor [WORKFLOW] [--store DIR] [--device auto|cpu|gpu]}: one screen on what a run would use here
 * (Java, DJL and libtorch, GPUs or why none, allocator, threads, the workflows' data, the store and its free space)
 * and whether WORKFLOW (default {@code fmnist-lt}, the default job) can run. Exit 0 when it can; 2 when it cannot,
 * with each problem and its exact fix. Nothing is written.
 *
 * <pre>
 * ./sdclr doctor                       can ./sdclr run fmnist-lt run here?
 * ./sdclr doctor --device gpu          ... on a GPU (a missing GPU is then a problem)
 * ./sdclr doctor cifar10-lt --store /data/sdclr
 * </pre>
 */
@Command(name = "doctor", description = "Check this machine for a run: Java, libtorch, GPUs, allocator, threads, "
        + "data, store. Exit 0 when WORKFLOW can run, 2 with the fixes when it cannot.")
final class Doctor implements Callable<Integer> {
    /** The launcher's glibc tunables (see ./sdclr and docs/benchmarks.md). */
    private static final List<String> MALLOC_TUNABLES =
            List.of("MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_");

    @Parameters(index = "0", arity = "0..1", paramLabel = "WORKFLOW", defaultValue = "fmnist-lt",
            description = "The workflow that must be able to run (default: ${DEFAULT-VALUE}).")
    String workflow;

    @Option(names = "--store", paramLabel = "DIR", converter = StorePath.class,
            defaultValue = RunOptions.DEFAULT_STORE,
            description = "Artifact store to check, as run's (default: ${DEFAULT-VALUE}).")
    Path store;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "auto",
            description = "auto (default), cpu or gpu; with gpu a missing GPU is a problem.")
    String device;

    private final Map<String, List<String>> lines = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    @Override
    public Integer call() {
        if (!RunOptions.DEVICES.contains(device)) {
            throw new InvalidInputException("--device %s: expected auto, cpu or gpu", device);
        }
        WorkflowCatalog catalog = new WorkflowCatalog();
        catalog.get(workflow); // an unknown name is a usage error, before anything is checked

        line("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), "
                + System.getProperty("java.home"));
        compute();
        line("allocator", allocator());
        data(catalog);
        store();

        PrintStream out = System.out;
        for (Map.Entry<String, List<String>> e : lines.entrySet()) {
            String label = e.getKey();
            for (String text : e.getValue()) {
                out.printf("%-10s %s%n", label, text);
                label = "";
            }
        }
        String job = "./sdclr run " + workflow + (device.equals("auto") ? "" : " --device " + device);
        if (problems.isEmpty()) {
            out.println("ok: " + job + " can run here");
            return 0;
        }
        out.println(problems.size() + (problems.size() == 1 ? " problem: " : " problems: ") + job
                + " cannot run here");
        for (int i = 0; i < problems.size(); i++) {
            out.println((i + 1) + ") " + problems.get(i));
        }
        return 2;
    }

    private void line(String label, String text) {
        lines.computeIfAbsent(label, k -> new ArrayList<>()).add(text);
    }

    private void compute() {
        Optional<ComputeBackend> backend = ComputeBackend.onClassPath();
        if (backend.isEmpty()) {
            line("libtorch", "no compute backend on the class path");
            problems.add("no compute backend (DJL + libtorch) on the class path: run through ./sdclr, which runs "
                    + "from examples/target/classes and examples/target/lib (build: mvn -B -DskipTests package)");
            line("threads", "JVM processors " + Runtime.getRuntime().availableProcessors());
            return;
        }
        backend.get().details().forEach(this::line);
        backend.get().problem(device).ifPresent(problems::add);
    }

    /** What the launcher set (or the user instead), else glibc's defaults. */
    static String allocator() {
        String preload = System.getenv("LD_PRELOAD");
        if (preload != null && preload.contains("jemalloc")) {
            return "jemalloc: LD_PRELOAD=" + preload + " MALLOC_CONF=" + System.getenv().getOrDefault("MALLOC_CONF",
                    "(unset)");
        }
        List<String> set = new ArrayList<>();
        for (String v : MALLOC_TUNABLES) {
            if (System.getenv(v) != null) {
                set.add(v + "=" + System.getenv(v));
            }
        }
        if (!set.isEmpty()) {
            return "glibc malloc, tuned: " + String.join(" ", set);
        }
        return "glibc default (training is much slower; ./sdclr sets MALLOC_MMAP_MAX_=0 "
                + "MALLOC_TRIM_THRESHOLD_=68719476736 MALLOC_TOP_PAD_=1073741824 unless SDCLR_ALLOCATOR=default)";
    }

    /**
     * Each workflow's default {@code data.dir} and whether its steps' own input checks (the ones {@code run} makes
     * before anything runs) pass; WORKFLOW's failing is a problem, with the step's message as the fix.
     */
    private void data(WorkflowCatalog catalog) {
        // dir + outcome -> workflows, so that workflows reading the same data share a line.
        Map<List<String>, List<String>> groups = new LinkedHashMap<>();
        for (WorkflowDefinition d : catalog.all()) {
            String dir = "(no data.dir)";
            String outcome = "found";
            try {
                Workflow wf = d.build(Params.none());
                for (Workflow.Parameter p : wf.parameters()) {
                    if (p.param().key().equals("data.dir")) {
                        dir = p.value();
                    }
                }
                WorkflowGraph graph = wf.validate();
                for (WorkflowGraph.Node n : graph.steps()) {
                    n.step().checkExternalInputs();
                }
            } catch (InvalidInputException | WorkflowDefinitionException e) {
                outcome = Files.isDirectory(Path.of(dir)) ? e.getMessage() : "not found";
                if (d.name().equals(workflow)) {
                    problems.add(e.getMessage());
                }
            }
            groups.computeIfAbsent(List.of(dir, outcome), k -> new ArrayList<>()).add(d.name());
        }
        groups.forEach((k, names) -> line("data", k.get(0) + ": " + k.get(1) + " (" + String.join(", ", names)
                + ")"));
    }

    /** The store as run would check it, and the free space where it is or would be created. */
    private void store() {
        Path abs = store.toAbsolutePath().normalize();
        String where = store + (store.isAbsolute() ? "" : " (" + abs + ")");
        String state;
        try {
            Locations.checkWritableDirectory("--store", store);
            state = Files.isDirectory(abs) ? "writable" : "absent, will be created";
        } catch (InvalidInputException e) {
            state = "NOT usable";
            problems.add(e.getMessage() + "; fix: pass --store DIR (or set SDCLR_STORE=DIR) naming a directory this "
                    + "user can write (created if absent), or move " + store + " out of the way");
        }
        line("store", where + ": " + state + ", " + freeSpace(abs));
    }

    private static String freeSpace(Path abs) {
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return "free space unknown (no part of the path exists)";
        }
        try {
            java.nio.file.FileStore store = Files.getFileStore(existing);
            long free = store.getUsableSpace();
            if (free == Long.MAX_VALUE) {
                return "no fixed capacity (" + store.type() + ")";
            }
            return String.format(Locale.ROOT, "%.1f GiB free", free / (double) (1L << 30));
        } catch (IOException e) {
            return "free space unknown (" + e.getMessage() + ")";
        }
    }
}
