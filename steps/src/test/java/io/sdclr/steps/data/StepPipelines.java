package io.sdclr.steps.data;

import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepContext;
import io.sdclr.dsl.StepInput;
import io.sdclr.steps.avro.Image;
import java.nio.file.Path;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;

/** Applies a data step to a real Beam pipeline (DirectRunner), as the runtime does. */
final class StepPipelines {
    private StepPipelines() {}

    static PCollection<Image> apply(Pipeline pipeline, Step<Image> step, Path workDir) {
        StepContext context = StepContext.in("data", workDir.resolve(".step"));
        return StepInput.forTest(pipeline, context).build().apply("data", step);
    }

}
