package io.sdclr.examples;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import io.sdclr.dsl.Params;
import io.sdclr.dsl.WorkflowGraph;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 2: every shipped step declares what its output must hold ({@code Step.outputContract}), which the
 * runtime checks before committing; a workflow's steps carry it with the workflow's own values.
 */
class OutputContractsTest {
    @Test
    void everyShippedStepDeclaresItsOwnOutputContract() throws Exception {
        List<Class<?>> steps = ShippedSteps.concreteSteps(ShippedSteps.stepsModuleClasses());
        assertWithMessage("no concrete Step found in the steps module").that(steps).isNotEmpty();
        List<String> undeclared = new ArrayList<>();
        for (Class<?> step : steps) {
            try {
                step.getDeclaredMethod("outputContract");
            } catch (NoSuchMethodException e) {
                undeclared.add(step.getName());
            }
        }
        assertWithMessage("shipped steps relying on the default contract").that(undeclared).isEmpty();
    }

    @Test
    void smokesStepsPromiseWhatTheWorkflowAsksFor() {
        WorkflowGraph g = new Smoke().build(Params.none()).validate();
        Map<String, String> contracts = new LinkedHashMap<>();
        g.steps().forEach(n -> contracts.put(n.name(), n.step().outputContract().toString()));
        assertThat(contracts.get("data")).isEqualTo("at least 1 records");
        assertThat(contracts.get("subset")).isEqualTo("exactly 1 records; each record: every one of the 10 classes has"
                + " at least one image in D_i, and D_i holds as many images as its class counts add up to; all"
                + " records: the splits are numbered 0..0");
        assertThat(contracts.get("pretrain-sdclr-s0")).isEqualTo("exactly 1 records; each record: the sdclr encoder"
                + " of split 0 (D_i), trained for 1 epochs with one loss per epoch, naming its parameter file and its"
                + " SHA-256");
        assertThat(contracts.get("pretrain-simclr-balanced-s0")).contains("the simclr encoder of split 0 (D_b)");
        assertThat(contracts.get("features-sdclr-s0")).isEqualTo("as many as its input data has");
        assertThat(contracts.get("probe-sdclr-s0")).isEqualTo("exactly 1 records; each record: a result of evaluation"
                + " linear with one accuracy per class");
        assertThat(contracts.get("fewshot-sdclr-s0")).contains("a result of evaluation fewshot");
        assertThat(contracts.get("knn-sdclr-s0")).isEqualTo("exactly 2 records; each record: one accuracy per class;"
                + " all records: one result for each of knn, knn10");
        assertThat(contracts.get("report")).isEqualTo("at least 3 records; all records: report.html, report.md,"
                + " results.json among the files");
    }
}
