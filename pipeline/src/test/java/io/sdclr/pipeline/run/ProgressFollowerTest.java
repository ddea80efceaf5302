package io.sdclr.pipeline.run;

import static com.google.common.truth.Truth.assertThat;

import io.sdclr.dsl.StepContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressFollowerTest {
    @TempDir Path tmp;

    @Test
    void everyLineAStepReportsReachesTheConsoleOnceWithItsStepName() {
        List<String> console = Collections.synchronizedList(new ArrayList<>());
        StepContext a = new StepContext("pretrain-sdclr-s0", tmp.resolve("out-a"), tmp.resolve("work-a"),
                tmp.resolve("progress/a.log"), "cpu");
        StepContext b = new StepContext("features-sdclr-s0", tmp.resolve("out-b"), tmp.resolve("work-b"),
                tmp.resolve("progress/b.log"), "cpu");
        try (ProgressFollower f = new ProgressFollower(Map.of("pretrain-sdclr-s0", tmp.resolve("progress/a.log"),
                "features-sdclr-s0", tmp.resolve("progress/b.log")), console::add)) {
            a.progress("epoch 1/2 loss 5.1");
            b.progress("batch 1/3");
            a.progress("epoch 2/2 loss 4.9");
        }
        assertThat(console).containsExactly("pretrain-sdclr-s0: epoch 1/2 loss 5.1",
                "pretrain-sdclr-s0: epoch 2/2 loss 4.9", "features-sdclr-s0: batch 1/3");
        assertThat(console.indexOf("pretrain-sdclr-s0: epoch 1/2 loss 5.1"))
                .isLessThan(console.indexOf("pretrain-sdclr-s0: epoch 2/2 loss 4.9"));
    }

    @Test
    void aStepThatReportsNothingPrintsNothing() {
        List<String> console = new ArrayList<>();
        try (ProgressFollower f = new ProgressFollower(Map.of("knn", tmp.resolve("none.log")), console::add)) {
            assertThat(console).isEmpty();
        }
        assertThat(console).isEmpty();
    }
}
