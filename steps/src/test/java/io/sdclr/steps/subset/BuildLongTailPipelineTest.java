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

    /** Issue 11, item 2: the splits it draws keep its declared contract; a split with an empty class would not. */
    @Test
    void theSplitsKeepTheStepsContractAndASplitWithAnEmptyClassBreaksIt() {
        List<LongTailSplit> splits = planned(TestImages.random(60, 4, CLASSES, 1, 2, 1));
        var contract = step().outputContract();
        java.util.function.ToLongFunction<Artifact<?>> noInputs = a -> {
            throw new AssertionError("the subset contract counts no input");
        };
        assertThat(contract.violations(splits.size(), noInputs, splits)).isEmpty();

        LongTailSplit first = splits.get(0);
        List<Integer> counts = new ArrayList<>(first.getClassCounts());
        counts.set(first.getClassOrder().get(CLASSES - 1), 0);
        LongTailSplit emptyTail = LongTailSplit.newBuilder(first).setClassCounts(counts).build();
        assertThat(contract.violations(2, noInputs, List.of(emptyTail, splits.get(1)))).containsExactly(
                "record 0 breaks the rule: every one of the 3 classes has at least one image in D_i, and D_i holds as"
                        + " many images as its class counts add up to");
        assertThat(contract.violations(1, noInputs, List.of(first))).containsExactly(
                "it holds 1 record; expected exactly 2", "its records break the rule: the splits are numbered 0..1");
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
        // Positions 8 and 9 of 10 get (int) (50 x 0.01^(8/9)) = 0 and (int) (50 x 0.01) = 0 images. Which classes sit
        // there is each split's class order, which depends on the seed alone: the planner's, on any data
        // (BuildLongTail's default dataset has 10 classes).
        List<SplitPlan> plans = LongTailPlanner.plan(ids(6000), labels(6000, 10), 10,
                new LongTailSpec(3, 100, 100, 500, 0.01, 1));
        assertThat(BuildLongTail.from(data).nMax(50).imbalance(100).seed(1).problems()).containsExactly(
                "subset.nMax=50 with subset.imbalance=100 gives the last 2 of the 10 tail positions 0 images, so D_i"
                        + " would have no image of classes " + tail(plans.get(0), 2) + " in split 0; classes "
                        + tail(plans.get(1), 2) + " in split 1; classes " + tail(plans.get(2), 2) + " in split 2;"
                        + " expected at least 1 image per class: raise subset.nMax to 100 or more, or lower"
                        + " subset.imbalance to 50 or less");
        assertThat(BuildLongTail.from(data).nMax(5).imbalance(10).splits(1).seed(1).problems()).containsExactly(
                "subset.nMax=5 with subset.imbalance=10 gives the last 3 of the 10 tail positions 0 images, so D_i"
                        + " would have no image of classes " + tail(plans.get(0), 3) + " in split 0; expected at"
                        + " least 1 image per class: raise subset.nMax to 10 or more, or lower subset.imbalance to 5"
                        + " or less");
        assertThat(BuildLongTail.from(data).nMax(9).imbalance(10).splits(1).seed(1).problems()).containsExactly(
                "subset.nMax=9 with subset.imbalance=10 gives the last 1 of the 10 tail positions 0 images, so D_i"
                        + " would have no image of class " + tail(plans.get(0), 1) + " in split 0; expected at least"
                        + " 1 image per class: raise subset.nMax to 10 or more, or lower subset.imbalance to 9 or"
                        + " less");
        assertThat(BuildLongTail.from(data).nMax(100).imbalance(100).seed(1).problems()).isEmpty();
        assertThat(BuildLongTail.from(data).dataset("one-class", 1).problems()).containsExactly(
                "a long tail needs at least 2 classes, the dataset has 1");
    }

    private static long[] ids(int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        return ids;
    }

    private static int[] labels(int n, int classes) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
        }
        return labels;
    }

    /** The classes at the last {@code n} tail positions of a plan, joined as the message lists them. */
    private static String tail(SplitPlan p, int n) {
        int[] order = p.classOrder();
        List<String> out = new ArrayList<>();
        for (int i = order.length - n; i < order.length; i++) {
            out.add(Integer.toString(order[i]));
        }
        return String.join(", ", out);
    }
}
