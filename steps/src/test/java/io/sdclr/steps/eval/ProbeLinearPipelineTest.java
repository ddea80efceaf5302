package io.sdclr.steps.eval;

import io.sdclr.steps.Causes;
import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.Workflow;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ProbeLinear} as a Beam transform fed in-memory features of {@link TestFeatures}' hand-made splits. */
class ProbeLinearPipelineTest {
    private final TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    @TempDir Path tmp;

    private final Workflow wf = Workflow.named("t");
    private final Artifact<Feature> features = wf.ref("features-sdclr-s1", Feature.class);
    private final Artifact<LongTailSplit> subset = wf.ref("subset", LongTailSplit.class);

    private ProbeLinear probe() {
        return ProbeLinear.on(features).groupedBy(subset).epochs(4).batch(8).lr(1).seed(3);
    }

    @Test
    void trainsOnThePoolOfTheFeaturesSplitAndNamesTheirMethod() {
        assertThat(probe().inputs()).containsExactly(features, subset).inOrder();
        assertThat(probe().exclusive()).isFalse();
        PAssert.thatSingleton(TestFeatures.apply(p, tmp, probe(), features, TestFeatures.of(Method.SDCLR, 1), subset))
                .satisfies(r -> {
                    // Whose result it is comes from the features: no method or split was given to the step.
                    assertThat(r.getMethod()).isEqualTo(Method.SDCLR);
                    assertThat(r.getSplit()).isEqualTo(1);
                    assertThat(r.getEvaluation()).isEqualTo("linear");
                    assertThat(r.getClassCounts()).isEqualTo(TestFeatures.classCounts(1));
                    // The full balanced pool: training ids minus the 6 validation ids.
                    assertThat(r.getDetails()).containsEntry("trainImages", "24");
                    assertThat(r.getDetails()).doesNotContainKey("augmentation");
                    assertThat(r.getSelectedEpoch()).isIn(com.google.common.collect.Range.closed(1, 4)); // 1-based
                    assertThat(r.getValidationAccuracy()).isEqualTo(100.0);
                    assertThat(r.getPerClassAccuracy()).containsExactly(100.0, 100.0, 100.0);
                    return null;
                });
        p.run().waitUntilFinish();
    }

    @Test
    void anotherEncodersFeaturesGiveItsMethodAndSplit() {
        PAssert.thatSingleton(TestFeatures.apply(p, tmp, probe(), features, TestFeatures.of(Method.SIMCLR, 0), subset))
                .satisfies(r -> {
                    assertThat(r.getMethod()).isEqualTo(Method.SIMCLR);
                    assertThat(r.getSplit()).isEqualTo(0);
                    assertThat(r.getClassCounts()).isEqualTo(TestFeatures.classCounts(0));
                    return null;
                });
        p.run().waitUntilFinish();
    }

    @Test
    void featuresOfTwoEncodersAreRefused() {
        List<Feature> mixed = new ArrayList<>(TestFeatures.of(Method.SDCLR, 1));
        mixed.set(7, TestFeatures.of(Method.SIMCLR, 1).get(7));
        TestFeatures.apply(p, tmp, probe(), features, mixed, subset);
        RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
        IllegalStateException bad = Causes.causeOf(e, IllegalStateException.class);
        assertThat(bad).isNotNull();
        assertThat(bad).hasMessageThat().startsWith("features of two encoders were mixed: ");
        assertThat(bad).hasMessageThat().contains("SIMCLR");
        assertThat(bad).hasMessageThat().contains("SDCLR");
    }

    @Test
    void featuresOfTwoSplitsAreRefused() {
        List<Feature> mixed = new ArrayList<>(TestFeatures.of(Method.SDCLR, 1));
        mixed.addAll(TestFeatures.of(Method.SDCLR, 0).subList(0, 1));
        mixed.remove(0);
        TestFeatures.apply(p, tmp, probe(), features, mixed, subset);
        RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
        IllegalStateException bad = Causes.causeOf(e, IllegalStateException.class);
        assertThat(bad).isNotNull();
        assertThat(bad).hasMessageThat().startsWith("features of two encoders were mixed: ");
    }

    @Test
    void featuresOfASplitTheSubsetDoesNotHaveAreRefused() {
        TestFeatures.apply(p, tmp, probe(), features, TestFeatures.of(Method.SDCLR, 4), subset);
        RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
        IllegalStateException bad = Causes.causeOf(e, IllegalStateException.class);
        assertThat(bad).isNotNull();
        assertThat(bad).hasMessageThat().isEqualTo("the subset artifact has no split 4 (it has 2)");
    }
}
