package io.sdclr.steps.subset;

import static io.sdclr.steps.Causes.causeOf;
import io.sdclr.steps.internal.subset.SplitRecords;
import io.sdclr.steps.internal.subset.SplitPlan;
import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.StepContext;
import io.sdclr.dsl.StepInput;
import io.sdclr.dsl.Workflow;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.Source;
import io.sdclr.steps.data.TestImages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BuildLongTail} as a Beam transform fed in-memory images: 60 training images of 3 classes (label id % 3) and
 * 4 test images, which the step must ignore.
 */
class BuildLongTailPipelineTest {
    private static final int CLASSES = 3;
    private static final LongTailSpec SPEC = new LongTailSpec(2, 10, 5, 3, 0.1, 7);

    private final TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    @TempDir Path tmp;

    private final Workflow wf = Workflow.named("t");
    private final Artifact<Image> images = wf.ref("data", Image.class);

    private BuildLongTail step() {
        return BuildLongTail.from(images).dataset("toy", CLASSES).splits(SPEC.splits()).nMax(SPEC.nMax())
                .imbalance(SPEC.imbalance()).valPerClass(SPEC.valPerClass())
                .fewShotFraction(SPEC.fewShotFraction()).seed(SPEC.seed());
    }

    private PCollection<LongTailSplit> apply(BuildLongTail step, List<Image> records) {
        StepInput in = StepInput.forTest(p, StepContext.in("subset", tmp)).with(images, records).build();
        return in.apply("subset", step);
    }

    /** What the planner draws from the training images alone. */
    private static List<LongTailSplit> planned(List<Image> records) {
        List<Image> train = records.stream().filter(im -> im.getSource() == Source.TRAIN).toList();
        long[] ids = train.stream().mapToLong(Image::getId).toArray();
        int[] labels = train.stream().mapToInt(Image::getLabel).toArray();
        List<LongTailSplit> out = new ArrayList<>();
        for (SplitPlan plan : LongTailPlanner.plan(ids, labels, CLASSES, SPEC)) {
            out.add(SplitRecords.record(plan, "toy"));
        }
        return out;
    }

    @Test
    void emitsOneRecordPerSplitAsThePlannerDrawsThemFromTheTrainingImages() {
        List<Image> records = TestImages.random(60, 4, CLASSES, 1, 2, 1);
        List<LongTailSplit> expected = planned(records);
        assertThat(expected).hasSize(2);
        assertThat(expected.get(1).getSplit()).isEqualTo(1);
        assertThat(expected.get(0).getDataset()).isEqualTo("toy");
        // The test images never enter a split.
        for (LongTailSplit s : expected) {
            assertThat(s.getPoolIds()).hasSize(60 - CLASSES * SPEC.valPerClass());
            assertThat(s.getLongTailIds().stream().allMatch(id -> id < 60)).isTrue();
        }

        // Any input order gives the same records.
        PAssert.that(apply(step(), TestImages.shuffled(records, 3))).containsInAnyOrder(expected);
        p.run().waitUntilFinish();
    }

    @Test
    void aClassWithTooFewImagesFailsTheRunNamingTheClass() {
        // Class 2 keeps only 10 training images: 7 in the pool after validation, fewer than nMax 10.
        List<Image> records = new ArrayList<>(TestImages.random(60, 4, CLASSES, 1, 2, 1));
        records.removeIf(im -> im.getSource() == Source.TRAIN && im.getLabel() == 2 && im.getId() >= 30);
        apply(step(), records);
        RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
        InvalidInputException bad = causeOf(e, InvalidInputException.class);
        assertThat(bad).isNotNull();
        assertThat(bad).hasMessageThat().startsWith("training set: class 2 has 7 images in the pool (after 3 held out"
                + " for validation), fewer than nMax 10");
    }


    @Test
    void aTailClassWithoutImagesIsADefinitionErrorNamingTheKeys() {
        Workflow w = Workflow.named("w");
        Artifact<Image> data = w.ref("data", Image.class);
        assertThat(BuildLongTail.from(data).nMax(200).imbalance(10).problems()).isEmpty();
        assertThat(BuildLongTail.from(data).nMax(50).imbalance(100).problems()).containsExactly(
                "subset.nMax=50 with subset.imbalance=100 leaves the tail class with 0 images; expected at least 1");
        assertThat(BuildLongTail.from(data).dataset("one-class", 1).problems()).containsExactly(
                "a long tail needs at least 2 classes, the dataset has 1");
    }
}
