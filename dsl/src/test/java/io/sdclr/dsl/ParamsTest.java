package io.sdclr.dsl;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

class ParamsTest {
    static final Param<Integer> EPOCHS = Param.integer("pretrain.epochs", 5, "epochs").atLeast(1);
    static final Param<Integer> WARMUP = Param.integer("pretrain.warmupEpochs", 2, "warm-up epochs").atLeast(0);
    static final Param<Double> LR = Param.decimal("probe.lr", 30, "probe learning rate").requiring(v -> v > 0,
            "be > 0");
    static final Param<List<Integer>> K = Param.integers("knn.k", List.of(200, 20), "neighbour counts");
    static final Param<Integer> EVERY = Param.integer("pretrain.checkpointEvery", 1, "checkpoints").executionOnly();

    /** A step declaring parameters, with a cross-field rule. */
    static final class Train extends Step<OutputFile> {
        Train() {
            super(OutputFile.class, EPOCHS, WARMUP, K, EVERY);
        }

        Train epochs(int e) {
            return withParam(EPOCHS, e);
        }

        Train warmup(int e) {
            return withParam(WARMUP, e);
        }

        @Override
        public List<String> problems() {
            return get(WARMUP) > get(EPOCHS)
                    ? List.of("pretrain.warmupEpochs=" + get(WARMUP) + " exceeds pretrain.epochs=" + get(EPOCHS))
                    : List.of();
        }

        @Override
        public List<Artifact<?>> inputs() {
            return List.of();
        }

        @Override
        public PCollection<OutputFile> expand(StepInput input) {
            throw new UnsupportedOperationException();
        }
    }

    /** A second step declaring probe.lr. */
    static final class Probe extends Step<OutputFile> {
        Probe() {
            super(OutputFile.class, LR);
        }

        @Override
        public List<Artifact<?>> inputs() {
            return List.of();
        }

        @Override
        public PCollection<OutputFile> expand(StepInput input) {
            throw new UnsupportedOperationException();
        }
    }

    private static Workflow twoSteps(Map<String, String> set) {
        Workflow wf = Workflow.named("w", Params.of(set));
        wf.step("train", new Train().epochs(10));
        wf.step("probe", new Probe());
        return wf;
    }

    @Test
    void workflowCodeSetsTheDefaultAndTheUserOverridesIt() {
        Workflow wf = twoSteps(Map.of("pretrain.epochs", "20"));
        WorkflowGraph g = wf.validate();
        assertThat(g.node("train").orElseThrow().step().paramValues())
                .containsExactly("pretrain.epochs", "20", "pretrain.warmupEpochs", "2", "knn.k", "200,20",
                        "pretrain.checkpointEvery", "1").inOrder();
        Workflow defaults = twoSteps(Map.of());
        assertThat(defaults.parameters().stream().map(p -> p.param().key() + "=" + p.value()).toList())
                .containsExactly("pretrain.epochs=10", "pretrain.warmupEpochs=2", "knn.k=200,20",
                        "pretrain.checkpointEvery=1", "probe.lr=30").inOrder();
    }

    @Test
    void withCallsInAnyOrderGiveTheSameStep() {
        assertThat(new Train().epochs(7).warmup(3).paramValues())
                .isEqualTo(new Train().warmup(3).epochs(7).paramValues());
    }

    @Test
    void unknownKeyListsTheValidOnes() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> twoSteps(Map.of("probe.lrr", "10")).validate());
        assertThat(e).hasMessageThat().isEqualTo("--set probe.lrr: unknown parameter; valid parameters: "
                + "pretrain.epochs, pretrain.warmupEpochs, knn.k, pretrain.checkpointEvery, probe.lr");
    }

    @Test
    void wrongTypeSaysWhatWasExpected() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> twoSteps(Map.of("pretrain.epochs", "ten")));
        assertThat(e).hasMessageThat().isEqualTo("--set pretrain.epochs=ten: expected an integer (default 10)");
        InvalidInputException list = assertThrows(InvalidInputException.class,
                () -> twoSteps(Map.of("knn.k", "20,x")));
        assertThat(list).hasMessageThat()
                .isEqualTo("--set knn.k=20,x: expected comma-separated integers (default 200,20)");
    }

    @Test
    void outOfRangeSaysTheRule() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> twoSteps(Map.of("pretrain.epochs", "0")));
        assertThat(e).hasMessageThat().isEqualTo("--set pretrain.epochs=0: the value must be >= 1");
    }

    @Test
    void crossFieldProblemsAreCollectedWithTheOtherDefinitionErrors() {
        Workflow wf = Workflow.named("w", Params.of(Map.of("pretrain.epochs", "1")));
        wf.step("train", new Train().epochs(10).warmup(5));
        wf.step("train", new Probe());
        WorkflowDefinitionException e = assertThrows(WorkflowDefinitionException.class, wf::validate);
        assertThat(e).hasMessageThat().contains("[DUPLICATE_STEP]");
        assertThat(e).hasMessageThat().contains(
                "[INVALID_PARAMETERS] step \"train\" (ParamsTest.java:");
        assertThat(e).hasMessageThat().contains("pretrain.warmupEpochs=5 exceeds pretrain.epochs=1");
    }

    @Test
    void paramsReadWhileBuildingAreParametersToo() {
        Params p = Params.of(Map.of("subset.splits", "4"));
        Param<Integer> splits = Param.integer("subset.splits", 3, "splits").atLeast(1);
        Workflow wf = Workflow.named("w", p);
        assertThat(p.get(splits)).isEqualTo(4);
        wf.step("probe", new Probe());
        assertThat(wf.parameters().stream().map(x -> x.param().key() + "=" + x.value()).toList())
                .containsExactly("probe.lr=30", "subset.splits=4").inOrder();
        wf.validate();
    }

    @Test
    void canonicalNumbersPrintWithoutTrailingZeros() {
        assertThat(Canonical.value(30.0)).isEqualTo("30");
        assertThat(Canonical.value(0.25)).isEqualTo("0.25");
        assertThat(Canonical.value(1e-6)).isEqualTo("0.000001");
        assertThat(K.text(List.of(200, 20))).isEqualTo("200,20");
    }
}
