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

/** {@link ProbeFewShot} as a Beam transform fed in-memory features of {@link TestFeatures}' hand-made splits. */
class ProbeFewShotPipelineTest {
    private final TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    @TempDir Path tmp;

    private final Workflow wf = Workflow.named("t");
    private final Artifact<Feature> features = wf.ref("features-simclr-s0", Feature.class);
    private final Artifact<LongTailSplit> subset = wf.ref("subset", LongTailSplit.class);

    private ProbeFewShot probe() {
        return ProbeFewShot.on(features).shots(subset).epochs(5).batch(4).lr(1).seed(3);
    }

    @Test
    void trainsOnTheFewShotSetOnlyAndNamesTheFeaturesMethodAndSplit() {
        assertThat(probe().inputs()).containsExactly(features, subset).inOrder();
        PAssert.thatSingleton(TestFeatures.apply(p, tmp, probe(), features, TestFeatures.of(Method.SIMCLR, 0),
                subset)).satisfies(r -> {
                    assertThat(r.getMethod()).isEqualTo(Method.SIMCLR);
                    assertThat(r.getSplit()).isEqualTo(0);
                    assertThat(r.getEvaluation()).isEqualTo("fewshot");
                    assertThat(r.getClassCounts()).isEqualTo(TestFeatures.classCounts(0));
                    // S_b only: 6 of the 24 pool images.
                    assertThat(r.getDetails()).containsEntry("trainImages", "6");
                    // Validated every 5th epoch (the default): of 5 epochs only the last (1-based 5) can be selected.
                    assertThat(r.getSelectedEpoch()).isEqualTo(5);
                    assertThat(r.getPerClassAccuracy()).hasSize(3);
                    return null;
                });
        p.run().waitUntilFinish();
    }

    @Test
    void featuresOfTwoEncodersAreRefused() {
        List<Feature> mixed = new ArrayList<>(TestFeatures.of(Method.SIMCLR, 0));
        mixed.set(0, TestFeatures.of(Method.SDCLR, 0).get(0));
        TestFeatures.apply(p, tmp, probe(), features, mixed, subset);
        RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
        IllegalStateException bad = Causes.causeOf(e, IllegalStateException.class);
        assertThat(bad).isNotNull();
        assertThat(bad).hasMessageThat().startsWith("features of two encoders were mixed: ");
    }
}
