package io.sdclr.steps.data;

import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepContext;
import io.sdclr.dsl.StepInput;
import io.sdclr.steps.avro.Image;
import java.nio.file.Path;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.values.PCollection;

/** Applies a data step to a real Beam pipeline (DirectRunner), as the runtime does. */
final class StepPipelines {
    private StepPipelines() {}

    static PCollection<Image> apply(Pipeline pipeline, Step<Image> step, Path workDir) {
        StepContext context = StepContext.in("data", workDir.resolve(".step"));
        PCollection<Image> out =
                Pipeline.applyTransform("data", StepInput.forTest(pipeline, context).build(), step);
        out.setCoder(AvroCoder.specific(Image.class));
        return out;
    }

    /** The first {@code T} in the cause chain of {@code e}, or null. */
    static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
