package io.sdclr.pipeline.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads the records of a small committed artifact directly, for a {@code DoFn}'s {@code @Setup} (an encoder, the
 * split definitions). Large artifacts go through {@code AvroIO} as {@code PCollection}s instead.
 *
 * <pre>{@code
 * List<LongTailSplit> splits = ArtifactRecords.read(ctx.inputDir(subset), LongTailSplit.class);
 * }</pre>
 */
public final class ArtifactRecords {
    private ArtifactRecords() {}

    public static <T extends SpecificRecord> List<T> read(String artifactDir, Class<T> type) {
        List<T> out = new ArrayList<>();
        TreeSet<Path> files = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of(artifactDir), "*.avro")) {
            ds.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the artifact " + artifactDir, e);
        }
        for (Path f : files) {
            try (DataFileReader<T> r = new DataFileReader<>(f.toFile(), new SpecificDatumReader<>(type))) {
                r.forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
        }
        return out;
    }

    /** The single record of an artifact that holds exactly one. */
    public static <T extends SpecificRecord> T readOne(String artifactDir, Class<T> type) {
        List<T> all = read(artifactDir, type);
        if (all.size() != 1) {
            throw new IllegalStateException("artifact " + artifactDir + " holds " + all.size() + " "
                    + type.getSimpleName() + " records, expected exactly 1");
        }
        return all.get(0);
    }
}
