package io.sdclr.pipeline.run;

import com.google.inject.Inject;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepContext;
import io.sdclr.dsl.StepInput;
import io.sdclr.dsl.WorkflowGraph;
import io.sdclr.pipeline.cache.CacheKey;
import io.sdclr.pipeline.store.ArtifactStore;
import io.sdclr.pipeline.store.Lease;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.extensions.avro.io.AvroIO;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.values.PCollection;

/**
 * Runs a validated workflow against the artifact store, in waves. Each wave is one Beam pipeline holding every
 * step whose inputs are known and whose cache key misses; steps of one wave are independent, so the runner
 * may execute them in parallel. After a wave, each output is committed and its content digest becomes an input
 * of the next keys; a re-run step whose output did not change therefore leaves everything downstream cached.
 */
public final class WorkflowRunner {
    /** Staging of an owner this host cannot check (another host, an older layout) is removed after this long. */
    static final long STAGING_MAX_AGE_MILLIS = 6 * 3600_000L;

    private final ArtifactStore store;
    private final BeamRunner runner;
    private final ExecutionSettings settings;
    private Runnable betweenWaves = () -> {};

    /**
     * Runs {@code action} after each wave of steps, before the next (the CLI gives freed memory back to the system
     * there). Waves run one after another, so it never overlaps a step of this runner.
     */
    public void afterEachWave(Runnable action) {
        betweenWaves = action;
    }

    @Inject
    public WorkflowRunner(ArtifactStore store, BeamRunner runner, ExecutionSettings settings) {
        this.store = store;
        this.runner = runner;
        this.settings = settings;
    }

    public ArtifactStore store() {
        return store;
    }

    public String runnerName() {
        return runner.name();
    }

    /** What {@link #run} would do now, without running anything. */
    public List<StepStatus> plan(WorkflowGraph graph, RunRequest request) {
        Selection sel = Selection.of(graph, request);
        checkExternalInputs(sel);
        Map<String, String> digests = new LinkedHashMap<>();
        // A step that will be computed stands, for the steps after it, for its planned key: two plans whose steps
        // have the same planned key compute the same thing (a sweep's shared steps).
        Map<String, String> planned = new LinkedHashMap<>();
        List<StepStatus> out = new ArrayList<>();
        for (WorkflowGraph.Node node : sel.nodes()) {
            Optional<String> pending = node.inputs().stream().filter(i -> !digests.containsKey(i)).findFirst();
            if (pending.isPresent()) {
                Map<String, String> inputs = new TreeMap<>();
                for (String i : node.inputs()) {
                    inputs.put(i, digests.containsKey(i) ? digests.get(i) : "planned:" + planned.get(i));
                }
                String key = CacheKey.of(node.name(), node.step(), inputs).key();
                planned.put(node.name(), key);
                out.add(new StepStatus(node.name(), false,
                        "input " + pending.get() + " will be recomputed (hit if its output is unchanged)", key, null,
                        0));
                continue;
            }
            Decision d = decide(graph, sel, node, digests, sel.forced().contains(node.name()));
            d.hit().ifPresent(digest -> digests.put(node.name(), digest));
            planned.put(node.name(), d.key().key());
            out.add(new StepStatus(node.name(), d.hit().isPresent(), d.reason(), d.key().key(), d.hit().orElse(null),
                    0));
        }
        return out;
    }

    /** Runs every selected step that misses the cache; returns what ran and what was cached, in step order. */
    public RunSummary run(WorkflowGraph graph, RunRequest request, String runId, Consumer<String> console) {
        Selection sel = Selection.of(graph, request);
        checkExternalInputs(sel);
        // Marks the store as in use (sdclr gc then removes no artifact), after waiting for a gc at work.
        // Stopping this client (Ctrl-C, kill) cancels its jobs on a session cluster instead of leaving them to train.
        Thread cancelJobs = new Thread(() -> runner.cancelRunning(jobName(graph, runId, "")), "cancel-jobs-" + runId);
        Runtime.getRuntime().addShutdownHook(cancelJobs);
        try (Lease live = store.enterRun(runId, gc -> console.accept("waiting for sdclr gc to finish (" + gc + ")"))) {
            store.cleanStaging(STAGING_MAX_AGE_MILLIS);
            try {
                return runSelected(graph, sel, runId, console);
            } finally {
                store.releaseStaging();
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cancelJobs);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs now.
            }
        }
    }

    /** The Flink job name of a wave (suffix {@code -waveN}), or with an empty suffix the prefix of a run's jobs. */
    private static String jobName(WorkflowGraph graph, String runId, String suffix) {
        return ("sdclr-" + graph.name() + "-" + runId + suffix).replaceAll("[^A-Za-z0-9-]", "-");
    }

    private RunSummary runSelected(WorkflowGraph graph, Selection sel, String runId, Consumer<String> console) {
        Set<String> forced = new HashSet<>(sel.forced());
        // Synchronized: exclusive steps running at once (on a cluster) add their digests from their own threads.
        Map<String, String> digests = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
        Map<String, StepStatus> done = new LinkedHashMap<>();
        LinkedHashSet<String> remaining = new LinkedHashSet<>();
        int capacity = Math.max(1, runner.exclusiveCapacity());
        sel.nodes().forEach(n -> remaining.add(n.name()));
        int wave = 0;
        while (!remaining.isEmpty()) {
            List<Pending> toRun = new ArrayList<>();
            for (String name : remaining) {
                WorkflowGraph.Node node = graph.node(name).orElseThrow();
                if (!digests.keySet().containsAll(node.inputs())) {
                    continue;
                }
                Decision d = decide(graph, sel, node, digests, forced.contains(name));
                if (d.hit().isPresent()) {
                    String digest = d.hit().get();
                    digests.put(name, digest);
                    done.put(name, new StepStatus(name, true, d.reason(), d.key().key(), digest, 0));
                    writeStepRecord(graph.name(), name, d.key(), digest);
                    console.accept(name + ": cached (artifact " + MissExplainer.shortDigest(digest) + ")");
                    // Checkpoints left by a run that died between committing this key and deleting them.
                    if (store.removeStaleWorkDir(d.key().key(), runId)) {
                        console.accept(name + ": removed the checkpoints of its committed run");
                    }
                } else {
                    toRun.add(new Pending(node, d.key(), d.reason(), forced.contains(name)));
                }
            }
            remaining.removeAll(done.keySet());
            if (toRun.isEmpty()) {
                continue; // Hits above made new steps ready.
            }
            // An exclusive step (training) runs alone, or, where the runner has room for several (a session cluster
            // with several TaskManagers), with other exclusive steps, each in its own pipeline; the others wait.
            List<Pending> exclusive = toRun.stream().filter(p -> p.node().step().exclusive()).toList();
            List<Pending> waveSteps = exclusive.isEmpty() || toRun.size() == 1 ? toRun
                    : exclusive.subList(0, Math.min(capacity, exclusive.size()));
            List<Pending> ran;
            if (waveSteps.size() > 1 && !exclusive.isEmpty()) {
                ran = runAtOnce(graph, runId, wave, waveSteps, digests, console);
                wave += waveSteps.size();
            } else {
                wave++;
                ran = runWave(graph, runId, wave, waveSteps, digests, console);
            }
            for (Pending p : ran) {
                forced.remove(p.node().name());
                remaining.remove(p.node().name());
                done.put(p.node().name(), p.status);
            }
            for (Pending p : waveSteps) {
                if (!ran.contains(p)) {
                    // Another run committed it while we waited for its lease.
                    forced.remove(p.node().name());
                }
            }
        }
        List<StepStatus> ordered = new ArrayList<>();
        sel.nodes().forEach(n -> ordered.add(done.get(n.name())));
        // The command that ran it writes the run's record, with what it published (RunRecord).
        return new RunSummary(graph.name(), runId, runner.name(), ordered);
    }

    /** Whether a step whose inputs are known hits the cache, and why it does or does not, in words. */
    private record Decision(CacheKey key, Optional<String> hit, String reason) {}

    private Decision decide(WorkflowGraph graph, Selection sel, WorkflowGraph.Node node, Map<String, String> digests,
            boolean forced) {
        CacheKey key = CacheKey.of(node.name(), node.step(), inputDigests(node, digests));
        if (forced) {
            return new Decision(key, Optional.empty(), sel.forceReason(node.name()));
        }
        Optional<String> hit = store.lookup(key.key());
        if (hit.isPresent()) {
            return new Decision(key, hit, "key " + key.shortKey() + " -> artifact "
                    + MissExplainer.shortDigest(hit.get()));
        }
        sel.checkNotUpstreamOfFrom(node.name());
        return new Decision(key, hit, MissExplainer.explain(key, store.stepRecord(graph.name(), node.name())));
    }

    /**
     * Exclusive steps at once, each in its own pipeline (its own job on a cluster), from threads of this client.
     * Every one finishes (and commits) before a failure of any is reported, the first one's.
     */
    private List<Pending> runAtOnce(WorkflowGraph graph, String runId, int wave, List<Pending> steps,
            Map<String, String> digests, Consumer<String> console) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(steps.size());
        try {
            List<java.util.concurrent.Future<List<Pending>>> jobs = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                List<Pending> one = List.of(steps.get(i));
                int w = wave + i + 1;
                jobs.add(pool.submit(() -> runWave(graph, runId, w, one, digests, console)));
            }
            List<Pending> ran = new ArrayList<>();
            RuntimeException first = null;
            for (java.util.concurrent.Future<List<Pending>> job : jobs) {
                try {
                    ran.addAll(job.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    RuntimeException r = e.getCause() instanceof RuntimeException re ? re
                            : new IllegalStateException(e.getCause());
                    first = first == null ? r : first;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while steps ran", e);
                }
            }
            if (first != null) {
                throw first;
            }
            return ran;
        } finally {
            pool.shutdownNow();
        }
    }

    private List<Pending> runWave(WorkflowGraph graph, String runId, int wave, List<Pending> candidates,
            Map<String, String> digests, Consumer<String> console) {
        List<Lease> leases = new ArrayList<>();
        List<Pending> wavePending = new ArrayList<>();
        Map<String, Path> progress = new LinkedHashMap<>();
        try {
            for (Pending p : candidates) {
                Lease lease = Lease.acquire(store.leaseFile(p.key().key()), runId,
                        owner -> console.accept(p.node().name() + ": waiting for another run computing it (" + owner
                                + ")"));
                Optional<String> hit = p.forced ? Optional.empty() : store.lookup(p.key().key());
                if (hit.isPresent()) {
                    removeCheckpoints(p, console); // The other run committed it; we hold its lease now.
                    lease.close();
                    digests.put(p.node().name(), hit.get());
                    continue;
                }
                leases.add(lease);
                wavePending.add(p);
            }
            if (wavePending.isEmpty()) {
                return List.of();
            }
            boolean exclusive = wavePending.size() == 1 && wavePending.get(0).node().step().exclusive();
            PipelineOptions options = runner.options(jobName(graph, runId, "-wave" + wave), exclusive);
            store.configure(options);
            Pipeline pipeline = Pipeline.create(options);
            registerCoders(pipeline, graph);
            for (Pending p : wavePending) {
                console.accept(p.node().name() + ": running on " + runner.name() + " (" + p.reason() + ")");
                p.staging = store.newStaging(p.node().name());
                Map<String, StepInput.Source<?>> inputs = new LinkedHashMap<>();
                for (String producer : p.node().inputs()) {
                    Class<? extends SpecificRecord> type = graph.node(producer).orElseThrow().step().outputType();
                    inputs.put(producer, source(producer, type, store.artifactDir(digests.get(producer))));
                }
                if (p.forced) {
                    // A forced step starts over: no checkpoint of an earlier run of the same key is resumed.
                    store.clearWorkDir(p.key().key());
                }
                Path progressFile = store.progressDir(runId).resolve(p.node().name() + ".log");
                progress.put(p.node().name(), progressFile);
                StepContext ctx = new StepContext(p.node().name(), p.staging, store.workDir(p.key().key()),
                        progressFile, settings.device());
                applyAndWrite(p.node().name(), p.node().step(), new StepInput(pipeline, ctx, inputs), p.staging);
            }
            long t0 = System.nanoTime();
            ProcessMemory.resetPeak();
            try (ProgressFollower follower = new ProgressFollower(progress, console)) {
                PipelineResult result = pipeline.run();
                PipelineResult.State state = result.waitUntilFinish();
                if (state != PipelineResult.State.DONE) {
                    throw new IllegalStateException("pipeline ended in state " + state);
                }
            } catch (RuntimeException e) {
                InvalidInputException bad = Failures.invalidInput(e);
                if (bad != null) {
                    throw bad;
                }
                throw new StepFailedException(wavePending.stream().map(x -> x.node().name()).toList(), e);
            }
            String memory = ProcessMemory.describePeak();
            betweenWaves.run();
            commitWave(graph, wavePending, (System.nanoTime() - t0) / 1e9, memory, digests, console);
            return wavePending;
        } finally {
            // Outputs not committed (an input error, a failed step, a broken contract, an error while building the
            // pipeline) go at once; a committed output's staging was moved into artifacts/ and is gone already.
            discardStaging(wavePending);
            for (Pending p : wavePending) {
                if (p.status == null) {
                    store.removeWorkDirIfEmpty(p.key().key());
                }
            }
            leases.forEach(Lease::close);
            deleteProgress(progress.values(), store.progressDir(runId));
        }
    }

    /**
     * Commits each output of a finished wave that keeps its step's {@link io.sdclr.dsl.OutputContract}, then deletes
     * the step's checkpoints; an output that breaks its contract is not committed and fails the run (a bug in the
     * step: exit code 1), after the others are committed.
     */
    private void commitWave(WorkflowGraph graph, List<Pending> wave, double seconds, String memory,
            Map<String, String> digests,
            Consumer<String> console) {
        Map<String, List<String>> broken = new LinkedHashMap<>();
        for (Pending p : wave) {
            List<String> violations = StagedOutput.violations(p.node().step(), p.staging,
                    input -> inputRecords(p.node(), input, digests));
            if (!violations.isEmpty()) {
                broken.put(p.node().name(), violations);
                continue;
            }
            String digest;
            try {
                digest = store.commit(p.staging, p.key().key(), graph.name() + "/" + p.node().name());
            } catch (IOException e) {
                throw new StepFailedException(List.of(p.node().name()),
                        new IOException("cannot commit the output of " + p.node().name() + ": " + e.getMessage(), e));
            }
            writeStepRecord(graph.name(), p.node().name(), p.key(), digest);
            digests.put(p.node().name(), digest);
            p.status = new StepStatus(p.node().name(), false, p.reason(), p.key().key(), digest, seconds);
            console.accept(String.format("%s: ran in %.1f s -> artifact %s%s", p.node().name(), seconds,
                    MissExplainer.shortDigest(digest), memory.isEmpty() ? "" : "; " + memory));
            removeCheckpoints(p, console);
        }
        if (!broken.isEmpty()) {
            List<String> parts = new ArrayList<>();
            broken.forEach((step, v) -> parts.add((broken.size() > 1 ? step + ": " : "") + String.join("; ", v)));
            throw new StepFailedException(List.copyOf(broken.keySet()), "the output breaks the step's declared "
                    + "contract, so it was not committed: " + String.join(" | ", parts) + " (a bug in the step's code;"
                    + " nothing entered the store, and the next run computes it again)");
        }
    }

    /** The record count of {@code input}, which must be one of {@code node}'s inputs (its contract names it). */
    private long inputRecords(WorkflowGraph.Node node, io.sdclr.dsl.Artifact<?> input, Map<String, String> digests) {
        if (!node.inputs().contains(input.producer())) {
            throw new IllegalStateException("the output contract of step " + node.name() + " counts the records of "
                    + input.producer() + ", which is not one of its inputs " + node.inputs());
        }
        return store.manifest(digests.get(input.producer())).records();
    }

    /**
     * Deletes the checkpoints of a key that is committed: they can never be resumed from again. Best effort after the
     * commit; a directory left behind (a crash right here) is removed when the next run finds the key cached.
     */
    private void removeCheckpoints(Pending p, Consumer<String> console) {
        try {
            store.clearWorkDir(p.key().key());
        } catch (UncheckedIOException e) {
            console.accept(p.node().name() + ": could not delete its checkpoints (" + e.getCause().getMessage()
                    + "); the next run removes them");
        }
    }

    /**
     * Every artifact type gets Avro's specific coder (the default AvroCoder goes through reflection, several times
     * slower on records with arrays), so steps' intermediate collections of these types are inferred fast too.
     */
    private static void registerCoders(Pipeline pipeline, WorkflowGraph graph) {
        for (WorkflowGraph.Node n : graph.steps()) {
            register(pipeline, n.step().outputType());
        }
    }

    private static <T extends SpecificRecord> void register(Pipeline pipeline, Class<T> type) {
        pipeline.getCoderRegistry().registerCoderForClass(type, AvroCoder.specific(type));
    }

    private static <T extends SpecificRecord> StepInput.Source<T> source(String producer, Class<T> type, Path dir) {
        return new StoreInputs<>(producer, type, dir);
    }

    private static <O extends SpecificRecord> void applyAndWrite(String name, Step<O> step, StepInput input,
            Path staging) {
        PCollection<O> out = input.apply(name, step);
        out.apply("write " + name, AvroIO.write(step.outputType())
                .to(staging.resolve("data").toString())
                .withSuffix(".avro")
                .withNumShards(step.outputShards()));
    }

    private void writeStepRecord(String workflow, String step, CacheKey key, String digest) {
        try {
            store.writeStepRecord(workflow, step, key.toRecord(digest));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the run of " + step, e);
        }
    }

    /** Deletes a wave's progress files (printed while it ran, not kept), and the run's progress folder once no other wave has files in it. */
    private static void deleteProgress(java.util.Collection<Path> files, Path dir) {
        try {
            for (Path f : files) {
                java.nio.file.Files.deleteIfExists(f);
            }
            java.nio.file.Files.deleteIfExists(dir);
        } catch (java.nio.file.DirectoryNotEmptyException otherWave) {
            // Another wave of this run (an exclusive step running at once) still writes there.
        } catch (IOException e) {
            // Progress files are never read again; a later run's cleanup may remove them.
        }
    }

    private static void discardStaging(List<Pending> wave) {
        for (Pending p : wave) {
            if (p.staging == null) {
                continue;
            }
            try {
                ArtifactStore.deleteTree(p.staging);
            } catch (IOException e) {
                // Staging is never read as an artifact; cleanStaging removes it once this process is gone.
            }
        }
    }

    /** Fails with an input error, before anything runs, when a step's external inputs are missing or wrong. */
    public void checkInputs(WorkflowGraph graph, RunRequest request) {
        checkExternalInputs(Selection.of(graph, request));
    }

    private static void checkExternalInputs(Selection sel) {
        for (WorkflowGraph.Node n : sel.nodes()) {
            n.step().checkExternalInputs();
        }
    }

    private static Map<String, String> inputDigests(WorkflowGraph.Node node, Map<String, String> digests) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String i : node.inputs()) {
            m.put(i, digests.get(i));
        }
        return m;
    }

    /** A step that misses the cache, waiting for its wave. */
    private static final class Pending {
        private final WorkflowGraph.Node node;
        private final CacheKey key;
        private final String reason;
        private final boolean forced;
        private Path staging;
        private StepStatus status;

        Pending(WorkflowGraph.Node node, CacheKey key, String reason, boolean forced) {
            this.node = node;
            this.key = key;
            this.reason = reason;
            this.forced = forced;
        }

        WorkflowGraph.Node node() {
            return node;
        }

        CacheKey key() {
            return key;
        }

        String reason() {
            return reason;
        }
    }
}
