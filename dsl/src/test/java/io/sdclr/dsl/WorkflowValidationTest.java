package io.sdclr.dsl;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class WorkflowValidationTest {
    @Test
    void validWorkflowIsOrderedTopologicallyInDeclarationOrder() {
        Workflow wf = Workflow.named("ok");
        Artifact<OutputFile> late = wf.ref("b", OutputFile.class);
        wf.step("c", new TestSteps.Reads(late));
        Artifact<OutputFile> a = wf.step("a", new TestSteps.Source());
        wf.step("b", new TestSteps.Reads(a));
        WorkflowGraph g = wf.validate();
        assertThat(g.steps().stream().map(WorkflowGraph.Node::name).toList()).containsExactly("a", "b", "c")
                .inOrder();
    }

    @Test
    void allDefinitionErrorsAreReportedTogetherWithTheStepsAndLines() {
        Workflow wf = Workflow.named("broken");
        Artifact<OutputFile> a = wf.step("a", new TestSteps.Source());
        wf.step("a", new TestSteps.Source());
        wf.step("probe", new TestSteps.Reads(wf.ref("features-sdclr", OutputFile.class)));
        wf.step("x", new TestSteps.Reads(wf.ref("y", OutputFile.class), a));
        wf.step("y", new TestSteps.Reads(wf.ref("x", OutputFile.class)));
        WorkflowDefinitionException e = assertThrows(WorkflowDefinitionException.class, wf::validate);
        List<DefinitionError.Kind> kinds = e.errors().stream().map(DefinitionError::kind).toList();
        assertThat(kinds).containsExactly(DefinitionError.Kind.DUPLICATE_STEP, DefinitionError.Kind.UNKNOWN_INPUT,
                DefinitionError.Kind.CYCLE).inOrder();
        String msg = e.getMessage().replaceAll("WorkflowValidationTest.java:\\d+", "T.java:N");
        assertThat(msg).isEqualTo(String.join("\n",
                "Workflow \"broken\" has 3 errors:",
                "1) [DUPLICATE_STEP] step name \"a\" is used twice (T.java:N and T.java:N).",
                "2) [UNKNOWN_INPUT] step \"probe\" (T.java:N) reads \"features-sdclr\", which no step produces.",
                "3) [CYCLE] steps form a cycle: \"x\" (T.java:N) reads \"y\" (T.java:N) reads \"x\"."));
    }

    @Test
    void aReferenceOfTheWrongTypeIsReported() {
        Workflow wf = Workflow.named("typed");
        wf.step("a", new TestSteps.Source());
        Artifact<OtherRecord> wrong = wf.ref("a", OtherRecord.class);
        wf.step("b", new ReadsOther(wrong));
        WorkflowDefinitionException e = assertThrows(WorkflowDefinitionException.class, wf::validate);
        assertThat(e.errors()).hasSize(1);
        assertThat(e.errors().get(0).kind()).isEqualTo(DefinitionError.Kind.TYPE_MISMATCH);
        assertThat(e.getMessage()).contains("reads \"a\" as OtherRecord, but \"a\"");
        assertThat(e.getMessage()).contains("produces OutputFile.");
    }

    @Test
    void stepNamesAndArtifactsFromOtherWorkflowsAreChecked() {
        Workflow other = Workflow.named("other");
        Artifact<OutputFile> foreign = other.step("a", new TestSteps.Source());
        Workflow wf = Workflow.named("names");
        wf.step("Bad_Name", new TestSteps.Source());
        wf.step("b", new TestSteps.Reads(foreign));
        WorkflowDefinitionException e = assertThrows(WorkflowDefinitionException.class, wf::validate);
        assertThat(e.errors().stream().map(DefinitionError::kind).toList())
                .containsExactly(DefinitionError.Kind.INVALID_NAME, DefinitionError.Kind.FOREIGN_INPUT);
    }

    @Test
    void outputsOfCollectsArtifactsOfOneType() {
        Workflow wf = Workflow.named("collect");
        wf.step("a", new TestSteps.Source());
        wf.step("b", new TestSteps.Source());
        assertThat(wf.outputsOf(OutputFile.class).stream().map(Artifact::producer).toList())
                .containsExactly("a", "b");
        assertThat(wf.outputsOf(OtherRecord.class)).isEmpty();
    }

    /** A second record type, to check typing. */
    abstract static class OtherRecord implements SpecificRecord {}

    static final class ReadsOther extends Step<OutputFile> {
        private final Artifact<OtherRecord> in;

        ReadsOther(Artifact<OtherRecord> in) {
            super(OutputFile.class);
            this.in = in;
        }

        @Override
        public List<Artifact<?>> inputs() {
            return List.of(in);
        }

        @Override
        public org.apache.beam.sdk.values.PCollection<OutputFile> expand(StepInput input) {
            throw new UnsupportedOperationException();
        }
    }
}
