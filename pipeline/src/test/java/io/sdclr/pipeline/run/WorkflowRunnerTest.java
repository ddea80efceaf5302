package io.sdclr.pipeline.run;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.inject.Guice;
import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.OutputFile;
import io.sdclr.dsl.Workflow;
import io.sdclr.dsl.WorkflowGraph;
import io.sdclr.pipeline.store.ArtifactStore;
import io.sdclr.pipeline.store.CommitFaults;
import io.sdclr.pipeline.store.Lease;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WorkflowRunnerTest {
    @TempDir Path tmp;

    private static WorkflowGraph toy(int count, int unused, String suffix1, String suffix2) {
        Workflow wf = Workflow.named("toy");
        Artifact<OutputFile> a = wf.step("a", ToySteps.Emit.of(count, unused));
        Artifact<OutputFile> b = wf.step("b", ToySteps.Suffix.of(a, suffix1));
        wf.publish(wf.step("c", ToySteps.Suffix.of(b, suffix2)));
        return wf.validate();
    }

    private WorkflowRunner runner(ArtifactStore store) {
        ExecutionSettings settings = new ExecutionSettings("cpu", 2);
        return new WorkflowRunner(store,
                Guice.createInjector(new DirectRunnerModule(), b -> b.bind(ExecutionSettings.class)
                        .toInstance(settings)).getInstance(BeamRunner.class), settings);
    }

    private WorkflowRunner runner() {
        return runner(new ArtifactStore(tmp.resolve("store")));
    }

    private static List<String> ran(RunSummary s) {
        return s.steps().stream().filter(x -> !x.hit()).map(StepStatus::name).toList();
    }

    @Test
    void secondRunIsAllCacheHitsWithTheSameDigests() {
        RunSummary first = runner().run(toy(3, 0, "!", "?"), RunRequest.all(), "r1", l -> {});
        RunSummary second = runner().run(toy(3, 0, "!", "?"), RunRequest.all(), "r2", l -> {});
        assertThat(first.ran()).isEqualTo(3);
        assertThat(second.ran()).isEqualTo(0);
        assertThat(second.cached()).isEqualTo(3);
        assertThat(second.digestOf("c")).isEqualTo(first.digestOf("c"));
    }

    @Test
    void changingADownstreamParameterRerunsOnlyThatStepAndPlanSaysWhy() {
        runner().run(toy(3, 0, "!", "?"), RunRequest.all(), "r1", l -> {});
        List<String> plan = runner().plan(toy(3, 0, "!", "??"), RunRequest.all()).stream()
                .map(StepStatus::planLine).toList();
        assertThat(plan.get(0)).startsWith("a hit ");
        assertThat(plan.get(1)).startsWith("b hit ");
        assertThat(plan.get(2)).isEqualTo("c miss parameter suffix.suffix changed ? -> ??");
        RunSummary s = runner().run(toy(3, 0, "!", "??"), RunRequest.all(), "r2", l -> {});
        assertThat(ran(s)).containsExactly("c");
    }

    @Test
    void changingUpstreamOutputRerunsEverythingDownstream() {
        runner().run(toy(3, 0, "!", "?"), RunRequest.all(), "r1", l -> {});
        List<StepStatus> plan = runner().plan(toy(4, 0, "!", "?"), RunRequest.all());
        assertThat(plan.get(0).planLine()).isEqualTo("a miss parameter emit.count changed 3 -> 4");
        assertThat(plan.get(1).planLine()).startsWith("b miss input a will be recomputed");
        RunSummary s = runner().run(toy(4, 0, "!", "?"), RunRequest.all(), "r2", l -> {});
        assertThat(ran(s)).containsExactly("a", "b", "c").inOrder();
    }

    @Test
    void rerunUpstreamWithIdenticalOutputLeavesDownstreamCached() {
        runner().run(toy(3, 0, "!", "?"), RunRequest.all(), "r1", l -> {});
        RunSummary s = runner().run(toy(3, 7, "!", "?"), RunRequest.all(), "r2", l -> {});
        assertThat(ran(s)).containsExactly("a");
        RunSummary forced = runner().run(toy(3, 7, "!", "?"), new RunRequest(Optional.empty(), Optional.empty(),
                Set.of("b")), "r3", l -> {});
        assertThat(ran(forced)).containsExactly("b");
    }

    @Test
    void fromForcesTheStepAndDownstreamAndToStopsEarly() {
        runner().run(toy(3, 0, "!", "?"), RunRequest.all(), "r1", l -> {});
        RunSummary from = runner().run(toy(3, 0, "!", "?"),
                new RunRequest(Optional.of("b"), Optional.empty(), Set.of()), "r2", l -> {});
        assertThat(ran(from)).containsExactly("b", "c");
        RunSummary to = runner().run(toy(5, 0, "!", "?"),
                new RunRequest(Optional.empty(), Optional.of("b"), Set.of()), "r3", l -> {});
        assertThat(to.steps().stream().map(StepStatus::name).toList()).containsExactly("a", "b");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> runner().run(toy(3, 0, "!", "?"),
                new RunRequest(Optional.empty(), Optional.of("nope"), Set.of()), "r4", l -> {}));
        assertThat(e).hasMessageThat().contains("--to nope: workflow toy has no such step; its steps are: a, b, c");
    }

    @Test
    void anInputErrorInsideAStepSurfacesAsInvalidInputAndCommitsNothing() throws IOException {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> runner().run(toy(2, 0, "bad", "?"), RunRequest.all(), "r1", l -> {}));
        assertThat(e).hasMessageThat().contains("suffix \"bad\" is not allowed");
        try (Stream<Path> s = Files.list(tmp.resolve("store/staging"))) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @ParameterizedTest
    // BEFORE_PUBLISH_MANIFEST is S3's alone (S3StoreTest): a local store publishes with one rename.
    @EnumSource(value = CommitFaults.Point.class, names = "BEFORE_PUBLISH_MANIFEST",
            mode = EnumSource.Mode.EXCLUDE)
    void aCrashDuringCommitNeverLeavesAnArtifactALaterRunUses(CommitFaults.Point point) throws IOException {
        ArtifactStore crashing = new ArtifactStore(tmp.resolve("store"), CommitFaults.crashAt(point));
        assertThrows(StepFailedException.class,
                () -> runner(crashing).run(toy(3, 0, "!", "?"), RunRequest.all(), "r1", l -> {}));
        try (Stream<Path> keys = Files.list(tmp.resolve("store/keys"))) {
            assertThat(keys.toList()).isEmpty();
        }
        // Whatever reached artifacts/ is complete; nothing half-written is visible.
        ArtifactStore store = new ArtifactStore(tmp.resolve("store"));
        try (Stream<Path> dirs = Files.list(tmp.resolve("store/artifacts"))) {
            for (Path d : dirs.toList()) {
                assertThat(store.verify(d.getFileName().toString())).isTrue();
            }
        }
        RunSummary again = runner(store).run(toy(3, 0, "!", "?"), RunRequest.all(), "r2", l -> {});
        assertThat(again.ran()).isEqualTo(3);
        RunSummary clean = runner().run(toy(3, 0, "!", "?"), RunRequest.all(), "r3", l -> {});
        assertThat(clean.ran()).isEqualTo(0);
    }

    @Test
    void aDamagedArtifactIsAMissNotAHit() throws IOException {
        RunSummary first = runner().run(toy(3, 0, "!", "?"), RunRequest.all(), "r1", l -> {});
        Path dir = tmp.resolve("store/artifacts").resolve(first.digestOf("b"));
        try (Stream<Path> s = Files.list(dir)) {
            Path avro = s.filter(p -> p.toString().endsWith(".avro")).findFirst().orElseThrow();
            Files.write(avro, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        }
        List<String> plan = runner().plan(toy(3, 0, "!", "?"), RunRequest.all()).stream()
                .map(StepStatus::planLine).toList();
        assertThat(plan.get(1)).startsWith("b miss cached artifact");
        RunSummary again = runner().run(toy(3, 0, "!", "?"), RunRequest.all(), "r2", l -> {});
        assertThat(ran(again)).containsExactly("b");
        assertThat(again.digestOf("b")).isEqualTo(first.digestOf("b"));
        assertThat(runner().store().verify(first.digestOf("b"))).isTrue();
    }

    @Test
    void exclusiveStepsRunAloneOneAfterAnother() {
        Workflow wf = Workflow.named("exclusive");
        wf.step("x1", new ToySteps.ExclusiveEmit(1, 0));
        wf.step("x2", new ToySteps.ExclusiveEmit(2, 0));
        wf.step("plain", ToySteps.Emit.of(3, 0));
        List<String> log = new java.util.ArrayList<>();
        runner().run(wf.validate(), RunRequest.all(), "r1", log::add);
        List<String> events = log.stream().filter(l -> l.contains(": running") || l.contains(": ran"))
                .map(l -> l.substring(0, l.indexOf(':')) + (l.contains(": running") ? " start" : " end")).toList();
        assertThat(events).containsExactly("x1 start", "x1 end", "x2 start", "x2 end", "plain start", "plain end")
                .inOrder();
    }

    @Test
    void publishedFilesAreWrittenToTheOutputDirectory() throws IOException {
        RunSummary s = runner().run(toy(2, 0, "!", "?"), RunRequest.all(), "r1", l -> {});
        List<Path> files = Publisher.publish(runner().store(), s.digestOf("c"), tmp.resolve("out"));
        assertThat(files).hasSize(2);
        assertThat(Files.readString(tmp.resolve("out/item-1.txt"))).isEqualTo("item 1!?");
    }

    @Test
    void progressOfARunningStepReachesTheConsoleAsStepColonLine() {
        Workflow wf = Workflow.named("chatty");
        wf.step("talk", new ToySteps.Chatty(wf.step("a", ToySteps.Emit.of(3, 0))));
        List<String> log = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        runner().run(wf.validate(), RunRequest.all(), "r1", log::add);
        List<String> progress = log.stream().filter(l -> l.startsWith("talk: processed ")).toList();
        assertThat(progress).containsExactly("talk: processed item-0.txt", "talk: processed item-1.txt",
                "talk: processed item-2.txt");
        // Printed while the step runs: after it starts, before it ends.
        for (String line : progress) {
            assertThat(log.indexOf(line)).isGreaterThan(indexOfPrefix(log, "talk: running on "));
            assertThat(log.indexOf(line)).isLessThan(indexOfPrefix(log, "talk: ran in "));
        }
        // A cached step runs nothing, so it reports nothing.
        List<String> again = new java.util.ArrayList<>();
        runner().run(wf.validate(), RunRequest.all(), "r2", again::add);
        assertThat(again).containsNoneIn(progress);
    }

    private static int indexOfPrefix(List<String> log, String prefix) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starting with \"" + prefix + "\" in " + log);
    }

    private List<String> list(String dir) throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve(dir))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static WorkflowGraph copied(int count) {
        Workflow wf = Workflow.named("contract");
        wf.step("copy", new ToySteps.Copy(wf.step("a", ToySteps.Emit.of(count, 0))));
        return wf.validate();
    }

    private StepFailedException failsWith(ToySteps.Copy.Bug bug, WorkflowGraph g, String runId) {
        ToySteps.Copy.BUG.set(bug);
        try {
            return assertThrows(StepFailedException.class, () -> runner().run(g, RunRequest.all(), runId, l -> {}));
        } finally {
            ToySteps.Copy.BUG.set(ToySteps.Copy.Bug.NONE);
        }
    }

    /** Issue 11, item 2: an output that breaks its step's declared contract never enters the store. */
    @Test
    void anOutputBreakingItsStepsContractIsNotCommittedAndTheNextRunComputesTheStep() throws IOException {
        WorkflowGraph g = copied(3);
        StepFailedException dropped = failsWith(ToySteps.Copy.Bug.DROP_FIRST, g, "r1");
        assertThat(dropped).hasMessageThat().isEqualTo("step copy failed: the output breaks the step's declared "
                + "contract, so it was not committed: it holds 2 records; expected as many as its input a has (3) (a"
                + " bug in the step's code; nothing entered the store, and the next run computes it again)");
        // "a" kept its contract and is committed; of "copy" there is no key, no artifact, no staging, no work folder.
        assertThat(list("store/keys")).hasSize(1);
        assertThat(list("store/artifacts")).hasSize(1);
        assertThat(list("store/staging")).isEmpty();
        assertThat(list("store/work")).isEmpty();

        // Records are checked too (the contract's rule on each record), on the output as staged.
        StepFailedException renamed = failsWith(ToySteps.Copy.Bug.RENAME_FIRST, g, "r2");
        assertThat(renamed).hasMessageThat().contains("it was not committed: record ");
        assertThat(renamed).hasMessageThat().contains(" breaks the rule: a path ending in .txt (a bug");
        assertThat(list("store/keys")).hasSize(1);
        assertThat(list("store/artifacts")).hasSize(1);

        RunSummary fixed = runner().run(g, RunRequest.all(), "r3", l -> {});
        assertThat(ran(fixed)).containsExactly("copy");
        assertThat(runner().run(g, RunRequest.all(), "r4", l -> {}).ran()).isEqualTo(0);
    }

    @Test
    void aStepWithoutAContractOfItsOwnMayNotCommitAnEmptyOutput() throws IOException {
        StepFailedException e = assertThrows(StepFailedException.class,
                () -> runner().run(toy(0, 0, "!", "?"), RunRequest.all(), "r1", l -> {}));
        assertThat(e).hasMessageThat().startsWith("step a failed: the output breaks the step's declared contract, so it"
                + " was not committed: it holds 0 records; expected at least 1 (");
        assertThat(list("store/keys")).isEmpty();
        assertThat(list("store/artifacts")).isEmpty();
    }

    /** Issue 11, item 8: an input error found while the wave's pipeline is built leaves nothing behind either. */
    @Test
    void anInputErrorWhileAStepIsBuiltLeavesNoStagingAndNoWorkFolder() throws IOException {
        Workflow wf = Workflow.named("refuse");
        wf.step("refuse", new ToySteps.RefuseAtBuild(wf.step("a", ToySteps.Emit.of(2, 0))));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> runner().run(wf.validate(), RunRequest.all(), "r1", l -> {}));
        assertThat(e).hasMessageThat().isEqualTo("Artifact<OutputFile>(a) holds 2 records; expected none");
        assertThat(list("store/staging")).isEmpty();
        assertThat(list("store/work")).isEmpty();
        assertThat(list("store/keys")).hasSize(1); // "a"
    }

    /** Issue 11, item 8: checkpoints live exactly as long as they can be resumed from. */
    @Test
    void checkpointsAreKeptWhileTheStepFailsAndDeletedOnceItIsCommitted() throws IOException {
        Workflow wf = Workflow.named("ckpt");
        wf.step("train", new ToySteps.Checkpointing(wf.step("a", ToySteps.Emit.of(2, 0))));
        WorkflowGraph g = wf.validate();
        ToySteps.Checkpointing.WRITTEN.clear();
        ToySteps.Checkpointing.FAIL.set(true);
        try {
            assertThrows(StepFailedException.class, () -> runner().run(g, RunRequest.all(), "r1", l -> {}));
        } finally {
            ToySteps.Checkpointing.FAIL.set(false);
        }
        // A failed (or killed) step keeps its checkpoints: the next run of the same key resumes from them.
        assertThat(ToySteps.Checkpointing.WRITTEN).isNotEmpty();
        Path workDir = ToySteps.Checkpointing.WRITTEN.iterator().next().getParent();
        assertThat(list("store/work")).containsExactly(workDir.getFileName().toString());
        assertThat(Files.isRegularFile(ToySteps.Checkpointing.WRITTEN.iterator().next())).isTrue();

        RunSummary done = runner().run(g, RunRequest.all(), "r2", l -> {});
        assertThat(ran(done)).containsExactly("train");
        String key = done.steps().get(1).key();
        assertThat(workDir.getFileName().toString()).isEqualTo(key);
        // Committed: its checkpoints can never be resumed from again, and only its own folder went.
        assertThat(list("store/work")).isEmpty();
    }

    /**
     * Issue 11, item 8: a run that died between committing a key and deleting its checkpoints leaves them behind; the
     * next run that finds the key cached deletes them, unless a live run holds the key's lease (a --force re-run
     * checkpointing there).
     */
    @Test
    void checkpointsLeftBehindACommittedKeyGoWhenTheNextRunFindsItCached() throws IOException {
        Workflow wf = Workflow.named("ckpt");
        wf.step("train", new ToySteps.Checkpointing(wf.step("a", ToySteps.Emit.of(2, 0))));
        WorkflowGraph g = wf.validate();
        String key = runner().run(g, RunRequest.all(), "r1", l -> {}).steps().get(1).key();
        Path stale = Files.createDirectories(tmp.resolve("store/work").resolve(key));
        Files.writeString(stale.resolve("checkpoint-epoch-3.bin"), "state");
        Path otherKey = Files.createDirectories(tmp.resolve("store/work/some-other-key"));

        ArtifactStore store = new ArtifactStore(tmp.resolve("store"));
        try (Lease forcedRun = Lease.acquire(store.leaseFile(key), "forced-run", o -> {})) {
            List<String> log = new java.util.ArrayList<>();
            RunSummary s = runner(store).run(g, RunRequest.all(), "r2", log::add);
            assertThat(s.ran()).isEqualTo(0);
            assertThat(Files.isRegularFile(stale.resolve("checkpoint-epoch-3.bin"))).isTrue();
            assertThat(log).doesNotContain("train: removed the checkpoints of its committed run");
        }
        List<String> log = new java.util.ArrayList<>();
        RunSummary s = runner(store).run(g, RunRequest.all(), "r3", log::add);
        assertThat(s.ran()).isEqualTo(0);
        assertThat(log).contains("train: removed the checkpoints of its committed run");
        assertThat(Files.exists(stale)).isFalse();
        assertThat(Files.isDirectory(otherKey)).isTrue();
    }

    /** A staging folder as a run of process {@code pid} of this host leaves it when it is killed. */
    private static Path leftoverStaging(Path store, long pid) throws IOException {
        String self = ManagementFactory.getRuntimeMXBean().getName();
        Path dir = store.resolve("staging").resolve(pid + "@" + self.substring(self.indexOf('@') + 1))
                .resolve("pretrain-sdclr-s0-" + java.util.UUID.randomUUID());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("encoder.params"), "half-written");
        return dir;
    }

    /**
     * Issue 11, item 8: a killed run's staging goes at the next run's start, not after 6 hours; a concurrent live
     * run's stays; and a run leaves no staging folder of its own behind.
     */
    @Test
    void aKilledRunsStagingGoesAtOnceAndAConcurrentLiveRunsStays() throws Exception {
        Path storeDir = tmp.resolve("store");
        new ArtifactStore(storeDir);
        Process killed = new ProcessBuilder("true").start();
        killed.waitFor();
        Path dead = leftoverStaging(storeDir, killed.pid());
        Process live = new ProcessBuilder("sleep", "600").start();
        try {
            Path alive = leftoverStaging(storeDir, live.pid());
            runner().run(toy(2, 0, "!", "?"), RunRequest.all(), "r1", l -> {});
            assertThat(Files.exists(dead.getParent())).isFalse();
            assertThat(Files.isRegularFile(alive.resolve("encoder.params"))).isTrue();
            assertThat(list("store/staging")).containsExactly(alive.getParent().getFileName().toString());
        } finally {
            live.destroy();
            live.waitFor();
        }
        runner().run(toy(2, 0, "!", "?"), RunRequest.all(), "r2", l -> {});
        assertThat(list("store/staging")).isEmpty();
    }
}
