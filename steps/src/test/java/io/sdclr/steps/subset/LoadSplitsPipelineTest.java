package io.sdclr.steps.subset;

import io.sdclr.steps.Causes;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.StepContext;
import io.sdclr.dsl.StepInput;
import io.sdclr.dsl.Workflow;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.internal.data.NpyFileTest;
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
 * {@link LoadSplits} as a Beam transform fed in-memory images: LoadSplitsTest's 30 training images of 3 classes and
 * two hand-made splits, written as small .npy files.
 */
class LoadSplitsPipelineTest {
    private final TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    @TempDir Path tmp;

    private final Workflow wf = Workflow.named("t");
    private final Artifact<Image> images = wf.ref("data", Image.class);

    private PCollection<LongTailSplit> apply(SplitFiles files, List<Image> records) {
        StepInput in = StepInput.forTest(p, StepContext.in("subset", tmp.resolve("step"))).with(images, records)
                .build();
        return in.apply("subset", LoadSplits.from(images, files).dataset("toy", LoadSplitsTest.C));
    }

    @Test
    void loadsTheSplitFilesOverTheTrainingImagesInAnyOrder() {
        // LoadSplitsTest's images: 30 training (id i, label i % 3) and 2 test images, here shuffled.
        List<Image> records = TestImages.shuffled(LoadSplitsTest.images(LoadSplitsTest.N), 5);
        PAssert.that(apply(LoadSplitsTest.npyFiles(tmp), records))
                .containsInAnyOrder(LoadSplitsTest.expectedSplits());
        p.run().waitUntilFinish();
    }

    @Test
    void anIndexTheImagesDoNotHaveFailsTheRunNamingTheFileAndElement() {
        // A data step limited to 20 training images: D_i of split 0 lists id 21 first.
        List<Image> records = new ArrayList<>(LoadSplitsTest.images(20));
        apply(LoadSplitsTest.npyFiles(tmp), records);
        RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
        InvalidInputException bad = Causes.causeOf(e, InvalidInputException.class);
        assertThat(bad).isNotNull();
        assertThat(bad).hasMessageThat().startsWith(tmp.resolve("s1_D_i.npy") + ": element 0: index 21 is not a"
                + " training image of the data step, which has 20 training images (ids 0..19)");
    }

    @Test
    void changedFileContentGivesOtherRecords() {
        SplitFiles files = LoadSplitsTest.npyFiles(tmp);
        NpyFileTest.writeIndices(tmp.resolve("s2_S_b.npy"), 9, 10); // same path, new content: S_b of split 1
        PCollection<LongTailSplit> out = apply(files, LoadSplitsTest.images(LoadSplitsTest.N));
        PAssert.that(out).satisfies(splits -> {
            List<Long> fewShot = null;
            for (LongTailSplit s : splits) {
                if (s.getSplit() == 1) {
                    fewShot = s.getFewShotIds();
                }
            }
            assertThat(fewShot).containsExactly(9L, 10L).inOrder();
            return null;
        });
        p.run().waitUntilFinish();
    }
}
