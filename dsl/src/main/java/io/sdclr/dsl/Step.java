package io.sdclr.dsl;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;

/**
 * One stage of a workflow: typed inputs (artifacts of earlier steps), its declared parameters, a declared output
 * type (an Avro record) and an implementation as a Beam transform from {@link StepInput} to the output records.
 *
 * <pre>{@code
 * public final class ProbeLinear extends Step<ProbeResult> {
 *   public static final Param<Double> LR = Param.decimal("probe.lr", 30, "learning rate").atLeast(0);
 *   private final Artifact<Feature> features;
 *
 *   private ProbeLinear(Artifact<Feature> features) { super(ProbeResult.class, LR); this.features = features; }
 *   public static ProbeLinear on(Artifact<Feature> features) { return new ProbeLinear(features); }
 *   public ProbeLinear lr(double lr) { return withParam(LR, lr); }        // a copy; order of withX never matters
 *
 *   public List<Artifact<?>> inputs() { return List.of(features); }
 *   public OutputContract<ProbeResult> outputContract() { return OutputContract.exactly(1); }  // checked at commit
 *   public PCollection<ProbeResult> expand(StepInput in) {
 *     return in.get(features).apply(Gather.all()).apply(ParDo.of(new Train(get(LR))));
 *   }
 * }
 * }</pre>
 *
 * <p>The cache key of a step is computed from its name, the values of its declared {@link #params()} (by key,
 * except {@linkplain Param#executionOnly() execution-only} ones), its {@link #settings()}, a fingerprint of the
 * bytecode its class can reach plus {@link #version()}, and the content digests of its inputs and
 * {@link #externalInputs()}. Anything that does not change the output (runner, threads, logging) must not be a
 * parameter of the key.
 *
 * @param <O> the Avro record type of the output artifact
 */
public abstract class Step<O extends SpecificRecord> extends PTransform<StepInput, PCollection<O>>
        implements Cloneable {
    private static final long serialVersionUID = 1L;

    private final Class<O> outputType;
    private final List<Param<?>> declared;
    private Map<String, Object> values;

    /** A step producing {@code outputType} records that declares {@code params} (their defaults apply). */
    protected Step(Class<O> outputType, Param<?>... params) {
        this.outputType = Objects.requireNonNull(outputType, "outputType");
        this.declared = List.of(params);
        this.values = new LinkedHashMap<>();
        for (Param<?> p : params) {
            if (values.put(p.key(), p.defaultValue()) != null) {
                throw new IllegalArgumentException(getClass().getSimpleName() + " declares " + p.key() + " twice");
            }
        }
    }

    /** The Avro record type this step produces. */
    public final Class<O> outputType() {
        return outputType;
    }

    /** The tunables this step declares, in declaration order. */
    public final List<Param<?>> params() {
        return declared;
    }

    /** This step's value of {@code param}. */
    public final <T> T get(Param<T> param) {
        Param<?> mine = declared(param.key());
        if (mine == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " does not declare " + param.key());
        }
        @SuppressWarnings("unchecked")
        T v = (T) values.get(param.key());
        return v;
    }

    /** A copy of this step with {@code param} set to {@code value} (checked against its type and range). */
    @SuppressWarnings("unchecked")
    protected final <T, S extends Step<O>> S withParam(Param<T> param, T value) {
        return (S) withValue(param.key(), value);
    }

    /** A copy with the value of the parameter {@code key} replaced; the key must be declared. */
    final Step<O> withValue(String key, Object value) {
        Param<?> p = declared(key);
        if (p == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " does not declare " + key);
        }
        Object checked = p.checked(value, getClass().getSimpleName());
        Step<O> copy = this.<Step<O>>copy();
        copy.values = new LinkedHashMap<>(values);
        copy.values.put(key, checked);
        return copy;
    }

    /** A copy with the user's overrides of the parameters this step declares. */
    final Step<O> overriddenBy(Params overrides) {
        Step<O> s = this;
        for (Param<?> p : declared) {
            String text = overrides.override(p.key());
            if (text != null) {
                s = s.withValue(p.key(), p.parse(text, values.get(p.key())));
            }
        }
        return s;
    }

    /** The canonical text of every declared parameter's value, by key, in declaration order. */
    public final Map<String, String> paramValues() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Param<?> p : declared) {
            out.put(p.key(), text(p));
        }
        return Collections.unmodifiableMap(out);
    }

    private <T> String text(Param<T> p) {
        return p.text(get(p));
    }

    final Param<?> declared(String key) {
        for (Param<?> p : declared) {
            if (p.key().equals(key)) {
                return p;
            }
        }
        return null;
    }

    /**
     * A copy of this step with the same parameter values, for a {@code withX} method that replaces one of the
     * step's own (non-final) fields on the copy: {@code ProbeLinear c = copy(); c.source = ...; return c;}.
     */
    @SuppressWarnings("unchecked")
    protected final <S extends Step<O>> S copy() {
        try {
            return (S) clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * What the workflow's code chose that is not a tunable but changes the output (which method, which split, the
     * dataset's name): {@code name -> canonical text}. Enters the cache key; {@code plan} calls them settings.
     */
    public Map<String, String> settings() {
        return Map.of();
    }

    /**
     * Problems with this step's combination of values (warm-up longer than the run, augmentation switched on without
     * the encoder to augment through), each naming the keys and values; collected with every other definition
     * error by {@link Workflow#validate}. A single value's range is its {@link Param}'s check.
     */
    public List<String> problems() {
        return List.of();
    }

    /** The artifacts this step reads, in a stable order. */
    public abstract List<Artifact<?>> inputs();

    /** Bump to force a re-run of every cached result of this step when its semantics change. */
    public int version() {
        return 1;
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

    /**
     * What this step's output must hold ({@link OutputContract}: how many records, given its inputs' counts, and
     * rules on the records). The runtime checks it on the staged output before committing it; an output that
     * breaks it is never committed. Default: at least one record. Every shipped step declares its own.
     */
    public OutputContract<O> outputContract() {
        return OutputContract.atLeast(1);
    }

    /** Number of Avro files the output is written as. */
    public int outputShards() {
        return 1;
    }
}
