package io.sdclr.dsl;

import java.io.Serializable;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * A typed handle on the output of a step. The type parameter is the Avro record the step produces, so the
 * compiler rejects wiring, say, an {@code Artifact<Feature>} where an {@code Artifact<Encoder>} is expected.
 *
 * <pre>{@code
 * Artifact<Encoder> encoder = wf.step("pretrain-sdclr-s0", Pretrain.sdclr().on(data, subset, 0));
 * Artifact<Feature> features = wf.step("features-sdclr-s0", ExtractFeatures.with(encoder).of(data));
 * }</pre>
 *
 * <p>Artifacts are created by {@link Workflow#step} or, for forward references by name, by
 * {@link Workflow#ref}; both are checked when the workflow is validated.
 */
public final class Artifact<T extends SpecificRecord> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final transient Workflow owner;
    private final String producer;
    private final Class<T> type;
    private final boolean reference;

    Artifact(Workflow owner, String producer, Class<T> type, boolean reference) {
        this.owner = owner;
        this.producer = Objects.requireNonNull(producer, "producer");
        this.type = Objects.requireNonNull(type, "type");
        this.reference = reference;
    }

    /** Name of the step that produces this artifact. */
    public String producer() {
        return producer;
    }

    /** The Avro record type of this artifact. */
    public Class<T> type() {
        return type;
    }

    Workflow owner() {
        return owner;
    }

    boolean isReference() {
        return reference;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Artifact<?> a && a.producer.equals(producer) && a.type.equals(type);
    }

    @Override
    public int hashCode() {
        return Objects.hash(producer, type);
    }

    @Override
    public String toString() {
        return "Artifact<" + type.getSimpleName() + ">(" + producer + ")";
    }
}
