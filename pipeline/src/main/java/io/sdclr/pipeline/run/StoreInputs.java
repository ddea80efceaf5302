package io.sdclr.pipeline.run;

import io.sdclr.dsl.InputFiles;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.StepInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.extensions.avro.io.AvroIO;
import org.apache.beam.sdk.values.PCollection;

/**
 * A committed artifact as a step input: read as a collection with {@code AvroIO} when the step asks for one, or
 * materialised here, on the client, when it asks for values (size-capped: values travel inside the pipeline's
 * serialized functions).
 */
final class StoreInputs<T extends SpecificRecord> implements StepInput.Source<T> {
    /** Largest artifact a step may take as values; larger ones must be read as collections. */
    static final long MAX_VALUE_BYTES = 64L << 20;

    private final String producer;
    private final Class<T> type;
    private final Path dir;

    StoreInputs(String producer, Class<T> type, Path dir) {
        this.producer = producer;
        this.type = type;
        this.dir = dir;
    }

    @Override
    public PCollection<T> read(Pipeline pipeline, String name) {
        return pipeline.apply(name, AvroIO.read(type).from(dir.resolve("*.avro").toString()))
                .setCoder(AvroCoder.specific(type));
    }

    @Override
    public List<T> records() {
        List<Path> files = ArtifactRecords.files(dir);
        long bytes = 0;
        try {
            for (Path f : files) {
                bytes += Files.size(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the artifact of " + producer + " at " + dir, e);
        }
        if (bytes > MAX_VALUE_BYTES) {
            throw new InvalidInputException("the output of step %s is %d MiB, more than the %d MiB a step may take as"
                    + " values (StepInput.records); read it as a collection with StepInput.get", producer,
                    bytes >> 20, MAX_VALUE_BYTES >> 20);
        }
        return ArtifactRecords.read(files, type);
    }

    @Override
    public InputFiles files() {
        return new InputFiles("the output of " + producer, dir);
    }
}
