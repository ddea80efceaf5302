package io.sdclr.dsl;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The input of a step's transform: one {@code PCollection} per input artifact, read from the store by the
 * runtime, and the step's {@link StepContext}.
 */
public final class StepInput implements PInput {
    private final Pipeline pipeline;
    private final Map<String, PCollection<?>> byProducer;
    private final StepContext context;

    public StepInput(Pipeline pipeline, Map<String, PCollection<?>> byProducer, StepContext context) {
        this.pipeline = pipeline;
        this.byProducer = new LinkedHashMap<>(byProducer);
        this.context = context;
    }

    /** The records of an input artifact. */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> PCollection<T> get(Artifact<T> artifact) {
        PCollection<?> pc = byProducer.get(artifact.producer());
        if (pc == null) {
            throw new IllegalArgumentException(
                    "step \"" + context.stepName() + "\" did not declare " + artifact + " as an input");
        }
        return (PCollection<T>) pc;
    }

    public StepContext context() {
        return context;
    }

    @Override
    public Pipeline getPipeline() {
        return pipeline;
    }

    @Override
    public Map<TupleTag<?>, PValue> expand() {
        Map<TupleTag<?>, PValue> out = new LinkedHashMap<>();
        byProducer.forEach((name, pc) -> out.put(new TupleTag<>(name), pc));
        return out;
    }
}
