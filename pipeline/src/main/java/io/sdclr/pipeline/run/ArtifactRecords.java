package io.sdclr.pipeline.run;

import io.sdclr.dsl.StepInput;
import io.sdclr.pipeline.store.AvroFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads the records of a small committed artifact on the client, for {@link StepInput#records} (an encoder, the
 * split definitions). Large artifacts go through {@code AvroIO} as {@code PCollection}s instead.
 *
 * <pre>{@code
 * List<LongTailSplit> splits = ArtifactRecords.read(ArtifactRecords.files(dir), LongTailSplit.class);
 * }</pre>
 */
public final class ArtifactRecords {
    private ArtifactRecords() {}

    /** The Avro files of the artifact in {@code artifactDir}, sorted by name. */
    public static List<Path> files(Path artifactDir) {
        TreeSet<Path> files = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(artifactDir, "*.avro")) {
            ds.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the artifact " + artifactDir, e);
        }
        return List.copyOf(files);
    }

    /** Every record of the artifact in {@code artifactDir}. */
    public static <T extends SpecificRecord> List<T> read(String artifactDir, Class<T> type) {
        return read(files(Path.of(artifactDir)), type);
    }

    /** Every record of {@code files}, in file order. */
    public static <T extends SpecificRecord> List<T> read(List<Path> files, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Path f : files) {
            try (DataFileStream<T> r = AvroFiles.open(f, new SpecificDatumReader<>(type))) {
                r.forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
        }
        return out;
    }
}
