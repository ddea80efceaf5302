package io.sdclr.dsl;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;

/**
 * One stage of a workflow: typed inputs (artifacts of earlier steps), an immutable parameter record, a declared
 * output type (an Avro record) and an implementation as a Beam transform from {@link StepInput} to the output
 * records.
 *
 * <pre>{@code
 * public final class ProbeLinear extends Step<ProbeLinear.Params, ProbeResult> {
 *   public record Params(double lr, int epochs, long seed) {}
 *   ...
 *   public PCollection<ProbeResult> expand(StepInput in) {
 *     PCollection<Feature> features = in.get(this.features);
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>The cache key of a step is computed from its name, {@link #kind()}, the components of {@link #params()},
 * a fingerprint of its code (the bytecode of the packages of {@link #codeClasses()} plus {@link #version()}),
 * the content digests of its input artifacts and of its {@link #externalInputs()}. Anything that does not change
 * the output (runner, threads, logging) must not be a parameter.
 *
 * @param <P> the parameter record; each component is a parameter named {@code kind.component}
 * @param <O> the Avro record type of the output artifact
 */
public abstract class Step<P extends Record, O extends SpecificRecord>
        extends PTransform<StepInput, PCollection<O>> {
    private static final long serialVersionUID = 1L;

    private final String kind;
    private final Class<O> outputType;

    protected Step(String kind, Class<O> outputType) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.outputType = Objects.requireNonNull(outputType, "outputType");
        if (!kind.matches("[a-z][A-Za-z0-9]*")) {
            throw new IllegalArgumentException("step kind must be a lower-camel word, was \"" + kind + "\"");
        }
    }

    /** The parameter namespace of this step: {@code --set kind.name=value} reaches every step of this kind. */
    public final String kind() {
        return kind;
    }

    /** The Avro record type this step produces. */
    public final Class<O> outputType() {
        return outputType;
    }

    /** The immutable parameters of this step; they enter the cache key. */
    public abstract P params();

    /** The artifacts this step reads, in a stable order. */
    public abstract List<Artifact<?>> inputs();

    /** Bump to force a re-run of every cached result of this step when its semantics change. */
    public int version() {
        return 1;
    }

    /** Classes whose packages' bytecode is the code fingerprint of this step. */
    public Set<Class<?>> codeClasses() {
        return Set.of(getClass());
    }

    /** Files outside the store that this step reads; their content enters the cache key. */
    public List<Path> externalInputs() {
        return List.of();
    }

    /**
     * Checks inputs outside the store before anything runs (a data directory exists and holds the expected
     * files). Throws {@link InvalidInputException} naming the parameter, the value and what was expected.
     */
    public void checkExternalInputs() {}

    /**
     * True for steps that use the whole machine (a training loop, batch inference): the runtime runs them one at
     * a time, alone in their pipeline, so they neither compete for cores and memory nor see their floating-point
     * reductions split differently because another step was running.
     */
    public boolean exclusive() {
        return false;
    }

    /** Number of Avro files the output is written as. */
    public int outputShards() {
        return 1;
    }
}
