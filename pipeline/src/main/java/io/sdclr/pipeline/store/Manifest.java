package io.sdclr.pipeline.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What an artifact directory holds, written last when an artifact is committed: the Avro schema, the record
 * count, every file with its size and SHA-256, and the content digest that names the directory.
 */
public record Manifest(
        int formatVersion,
        String schema,
        String schemaFingerprint,
        long records,
        List<FileEntry> files,
        String contentDigest,
        String producedBy) {
    public static final String FILE_NAME = "manifest.json";
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** One file of an artifact; {@code path} is relative to the artifact directory. */
    public record FileEntry(String path, long bytes, String sha256, boolean avro) {}

    public Manifest {
        files = List.copyOf(files);
    }

    static Manifest read(Path file) throws IOException {
        return JSON.readValue(java.nio.file.Files.readAllBytes(file), Manifest.class);
    }

    byte[] toJson() throws IOException {
        return JSON.writeValueAsBytes(this);
    }
}
