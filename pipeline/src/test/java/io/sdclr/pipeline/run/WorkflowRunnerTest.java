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
import java.io.IOException;
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
    @EnumSource(CommitFaults.Point.class)
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
}
