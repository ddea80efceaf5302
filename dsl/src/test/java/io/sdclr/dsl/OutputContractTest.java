package io.sdclr.dsl;

import static com.google.common.truth.Truth.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/** Issue 11, item 2: the rules a step declares about its output, and the words they are broken in. */
class OutputContractTest {
    private static final ToLongFunction<Artifact<?>> NO_INPUTS = a -> {
        throw new AssertionError("no input counts expected, asked for " + a);
    };

    private static OutputFile file(String path) {
        return OutputFile.newBuilder().setPath(path).setContent(ByteBuffer.wrap(new byte[0])).build();
    }

    @Test
    void countRulesSayHowManyRecordsThereAreAndHowManyWereExpected() {
        assertThat(OutputContract.<OutputFile>exactly(1).violations(1, NO_INPUTS, List.of())).isEmpty();
        assertThat(OutputContract.<OutputFile>exactly(1).violations(0, NO_INPUTS, List.of()))
                .containsExactly("it holds 0 records; expected exactly 1");
        assertThat(OutputContract.<OutputFile>exactly(3).violations(4, NO_INPUTS, List.of()))
                .containsExactly("it holds 4 records; expected exactly 3");
        assertThat(OutputContract.<OutputFile>atLeast(1).violations(0, NO_INPUTS, List.of()))
                .containsExactly("it holds 0 records; expected at least 1");
        assertThat(OutputContract.<OutputFile>atLeast(1).violations(70_000, NO_INPUTS, List.of())).isEmpty();
    }

    @Test
    void sameCountAsComparesWithTheInputsRecordCount() {
        Workflow w = Workflow.named("w");
        Artifact<OutputFile> images = w.ref("data", OutputFile.class);
        Map<String, Long> counts = Map.of("data", 70_000L);
        ToLongFunction<Artifact<?>> in = a -> counts.get(a.producer());
        OutputContract<OutputFile> c = OutputContract.sameCountAs(images);
        assertThat(c.violations(70_000, in, List.of())).isEmpty();
        assertThat(c.violations(69_998, in, List.of()))
                .containsExactly("it holds 69998 records; expected as many as its input data has (70000)");
        assertThat(c.readsRecords()).isFalse();
    }

    @Test
    void recordRulesNameTheFirstRecordThatBreaksThemAndHowManyMore() {
        OutputContract<OutputFile> c = OutputContract.<OutputFile>atLeast(1)
                .andEach("a path ending in .txt", f -> f.getPath().endsWith(".txt"))
                .andAll("report.md among the files", fs -> fs.stream().anyMatch(f -> f.getPath().equals("report.md")));
        assertThat(c.readsRecords()).isTrue();
        List<OutputFile> good = List.of(file("a.txt"), file("report.md.txt"));
        assertThat(c.violations(2, NO_INPUTS, good)).containsExactly(
                "its records break the rule: report.md among the files");
        List<OutputFile> bad = List.of(file("a.txt"), file("b.png"), file("report.md"), file("c.txt"));
        assertThat(c.violations(4, NO_INPUTS, bad)).containsExactly(
                "record 1 (and 1 more) breaks the rule: a path ending in .txt").inOrder();
        assertThat(c.toString()).isEqualTo("at least 1 records; each record: a path ending in .txt; all records: "
                + "report.md among the files");
    }

    @Test
    void withoutRecordRulesTheRecordsAreNeverRead() {
        Iterable<OutputFile> unreadable = () -> {
            throw new AssertionError("records read for a count-only contract");
        };
        assertThat(OutputContract.<OutputFile>exactly(2).violations(2, NO_INPUTS, unreadable)).isEmpty();
    }

    @Test
    void theDefaultContractOfAStepIsANonEmptyOutput() {
        assertThat(new TestSteps.Source().outputContract().violations(0, NO_INPUTS, List.of()))
                .containsExactly("it holds 0 records; expected at least 1");
    }
}
