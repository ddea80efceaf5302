package io.sdclr.steps.eval;

import io.sdclr.steps.Causes;
import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.Workflow;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.Method;
import io.sdclr.steps.avro.ProbeResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ClassifyKnn} as a Beam transform fed in-memory features of {@link TestFeatures}' hand-made splits. */
class ClassifyKnnPipelineTest {
    private final TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    @TempDir Path tmp;

    private final Workflow wf = Workflow.named("t");
    private final Artifact<Feature> features = wf.ref("features-sdclr-s1", Feature.class);
    private final Artifact<LongTailSplit> subset = wf.ref("subset", LongTailSplit.class);

    @Test
    void oneResultPerKNamedByTheFeaturesMethodAndSplit() {
        ClassifyKnn knn = ClassifyKnn.on(features).groupedBy(subset).k(5, 3);
        assertThat(knn.paramValues()).containsEntry("knn.k", "5,3");
        assertThat(knn.inputs()).containsExactly(features, subset).inOrder();
        PAssert.that(TestFeatures.apply(p, tmp, knn, features, TestFeatures.of(Method.SDCLR, 1), subset))
                .satisfies(all -> {
                    Map<String, ProbeResult> byName = new TreeMap<>();
                    for (ProbeResult r : all) {
                        byName.put(r.getEvaluation(), r);
                    }
                    // The first k is reported as knn, every further k as knn<k>.
                    assertThat(byName.keySet()).containsExactly("knn", "knn3").inOrder();
                    for (ProbeResult r : all) {
                        assertThat(r.getMethod()).isEqualTo(Method.SDCLR);
                        assertThat(r.getSplit()).isEqualTo(1);
                        assertThat(r.getClassCounts()).isEqualTo(TestFeatures.classCounts(1));
                        // The bank is the pool of the split.
                        assertThat(r.getDetails()).containsEntry("bank", "24");
                        assertThat(r.getDetails()).containsEntry("temperature", "0.07");
                        assertThat(r.getSelectedEpoch()).isEqualTo(0);
                        assertThat(r.getPerClassAccuracy()).containsExactly(100.0, 100.0, 100.0);
                    }
                    assertThat(byName.get("knn").getDetails()).containsEntry("k", "5");
                    assertThat(byName.get("knn3").getDetails()).containsEntry("k", "3");
                    return null;
                });
        p.run().waitUntilFinish();
    }

    @Test
    void featuresOfTwoEncodersAreRefused() {
        List<Feature> mixed = new ArrayList<>(TestFeatures.of(Method.SDCLR, 1));
        mixed.set(40, TestFeatures.of(Method.SDCLR, 0).get(40));
        TestFeatures.apply(p, tmp, ClassifyKnn.on(features).groupedBy(subset), features, mixed, subset);
        RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
        IllegalStateException bad = Causes.causeOf(e, IllegalStateException.class);
        assertThat(bad).isNotNull();
        assertThat(bad).hasMessageThat().startsWith("features of two encoders were mixed: ");
    }
}
