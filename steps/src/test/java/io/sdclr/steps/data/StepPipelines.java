package io.sdclr.steps.data;

import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepContext;
import io.sdclr.dsl.StepInput;
import io.sdclr.steps.avro.Image;
import java.nio.file.Path;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.values.PCollection;

/** Applies a data step to a real Beam pipeline (DirectRunner), as the runtime does. */
final class StepPipelines {
    private StepPipelines() {}

    static PCollection<Image> apply(Pipeline pipeline, Step<?, Image> step, Path workDir) {
        StepContext context =
                new StepContext("data", workDir.toString(), workDir.toString(), Map.of(), "cpu");
        PCollection<Image> out = Pipeline.applyTransform("data", new StepInput(pipeline, Map.of(), context), step);
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
