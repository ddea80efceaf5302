package io.sdclr.dsl;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Every way a step's transform receives its inputs, typed by artifact: large artifacts as a {@code PCollection}
 * ({@link #get}), small ones as values ({@link #records}, {@link #record}) and side files as a handle
 * ({@link #files}). Only what a step asks for is read, and only in the form it asks for: an input consumed as
 * values is never also read as a collection.
 *
 * <pre>{@code
 * public PCollection<Feature> expand(StepInput in) {
 *   Encoder e = in.record(encoder);                      // one small record, materialised by the runtime
 *   InputFiles files = in.files(encoder);                // its side files (model parameters)
 *   return in.get(images).apply(ParDo.of(new Embed(e, files, in.context())));
 * }
 * }</pre>
 *
 * <p>Tests feed a step in-memory records: {@code StepInput.forTest(pipeline, ctx).with(images, list).build()}.
 */
public final class StepInput implements PInput {
    /** How the runtime (or a test) provides one input artifact. */
    public interface Source<T extends SpecificRecord> {
        /** Applies a read of all records to {@code pipeline} under {@code name}. */
        PCollection<T> read(Pipeline pipeline, String name);

        /** All records as values; the runtime refuses artifacts too large for that, naming the limit. */
        List<T> records();

        /** The artifact's side files. */
        InputFiles files();
    }

    private final Pipeline pipeline;
    private final StepContext context;
    private final Map<String, Source<?>> sources;
    private final Map<String, PCollection<?>> collections = new LinkedHashMap<>();
    private final Map<String, List<?>> values = new LinkedHashMap<>();

    /** The inputs of one step: {@code sources} by producing step name. */
    public StepInput(Pipeline pipeline, StepContext context, Map<String, Source<?>> sources) {
        this.pipeline = pipeline;
        this.context = context;
        this.sources = new LinkedHashMap<>(sources);
    }

    /** The records of an input artifact as a collection (for large inputs: images, features). */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> PCollection<T> get(Artifact<T> artifact) {
        Source<T> s = source(artifact);
        return (PCollection<T>) collections.computeIfAbsent(artifact.producer(),
                k -> s.read(pipeline, "read " + artifact.producer()));
    }

    /** The records of a small input artifact as values (a split definition, an encoder record). */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> List<T> records(Artifact<T> artifact) {
        Source<T> s = source(artifact);
        return (List<T>) values.computeIfAbsent(artifact.producer(), k -> List.copyOf(s.records()));
    }

    /** The single record of an input artifact that holds exactly one. */
    public <T extends SpecificRecord> T record(Artifact<T> artifact) {
        List<T> all = records(artifact);
        if (all.size() != 1) {
            throw new IllegalStateException(artifact + " holds " + all.size() + " records, expected exactly 1");
        }
        return all.get(0);
    }

    /** The side files of an input artifact. */
    public InputFiles files(Artifact<?> artifact) {
        return source(artifact).files();
    }

    public StepContext context() {
        return context;
    }

    /**
     * Applies {@code step} to these inputs under {@code name}, as the runtime does: its output gets the Avro coder
     * of the step's record type. Tests use it with {@link #forTest}: {@code in.apply("knn", ClassifyKnn.on(f)...)}.
     */
    public <O extends SpecificRecord> PCollection<O> apply(String name, Step<O> step) {
        PCollection<O> out = Pipeline.applyTransform(name, this, step);
        return out.setCoder(AvroCoder.specific(step.outputType()));
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> Source<T> source(Artifact<T> artifact) {
        Source<?> s = sources.get(artifact.producer());
        if (s == null) {
            throw new IllegalArgumentException(
                    "step \"" + context.stepName() + "\" did not declare " + artifact + " as an input");
        }
        return (Source<T>) s;
    }

    @Override
    public Pipeline getPipeline() {
        return pipeline;
    }

    /** The collections read so far: inputs are read when the step's {@code expand} asks for them. */
    @Override
    public Map<TupleTag<?>, PValue> expand() {
        Map<TupleTag<?>, PValue> out = new LinkedHashMap<>();
        collections.forEach((name, pc) -> out.put(new TupleTag<>(name), pc));
        return out;
    }

    /** Inputs from memory, for {@code TestPipeline} tests of a step. */
    public static Builder forTest(Pipeline pipeline, StepContext context) {
        return new Builder(pipeline, context);
    }

    /** Collects in-memory inputs. */
    public static final class Builder {
        private final Pipeline pipeline;
        private final StepContext context;
        private final Map<String, Source<?>> sources = new LinkedHashMap<>();

        private Builder(Pipeline pipeline, StepContext context) {
            this.pipeline = pipeline;
            this.context = context;
        }

        /** {@code artifact}'s records; its side files, if any, in {@code filesDir}. */
        public <T extends SpecificRecord> Builder with(Artifact<T> artifact, List<T> records, Path filesDir) {
            List<T> copy = List.copyOf(records);
            Class<T> type = artifact.type();
            InputFiles files = new InputFiles(artifact.toString(), filesDir);
            sources.put(artifact.producer(), new Source<T>() {
                @Override
                public PCollection<T> read(Pipeline p, String name) {
                    return p.apply(name, Create.of(copy).withCoder(AvroCoder.specific(type)));
                }

                @Override
                public List<T> records() {
                    return copy;
                }

                @Override
                public InputFiles files() {
                    return files;
                }
            });
            return this;
        }

        /** {@code artifact}'s records, without side files. */
        public <T extends SpecificRecord> Builder with(Artifact<T> artifact, List<T> records) {
            return with(artifact, records, Path.of("/nonexistent-side-files"));
        }

        public StepInput build() {
            return new StepInput(pipeline, context, sources);
        }
    }
}
