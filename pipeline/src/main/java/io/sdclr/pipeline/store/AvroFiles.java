package io.sdclr.pipeline.store;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.io.DatumReader;

/**
 * Reads an Avro data file of the store front to back, wherever the store is: a local file through Avro's own
 * seekable reader, a file on HDFS through its stream.
 *
 * <pre>{@code
 * try (DataFileStream<Encoder> r = AvroFiles.open(file, new SpecificDatumReader<>(Encoder.class))) { ... }
 * }</pre>
 */
public final class AvroFiles {
    private AvroFiles() {}

    public static <T> DataFileStream<T> open(Path file, DatumReader<T> reader) throws IOException {
        if (file.getFileSystem() == FileSystems.getDefault()) {
            return new DataFileReader<>(file.toFile(), reader);
        }
        return new DataFileStream<>(new BufferedInputStream(Files.newInputStream(file), 1 << 16), reader);
    }
}
