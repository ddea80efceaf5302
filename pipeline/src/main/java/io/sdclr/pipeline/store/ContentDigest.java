package io.sdclr.pipeline.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * The digest of what an artifact <em>means</em>, independent of how a runner wrote it: the multiset of its
 * records (each re-encoded in Avro's canonical binary form and hashed; the hashes sorted) plus its schema's
 * canonical form and its side files. Shard count, record order, Avro sync markers and compression do not
 * change it, so the Direct and Flink runners agree on the digest of a deterministic step.
 */
final class ContentDigest {
    private ContentDigest() {}

    record Result(String digest, String schemaName, String schemaFingerprint, long records) {}

    static Result of(List<Path> avroFiles, SortedMap<String, String> sideFileSha256) throws IOException {
        List<byte[]> recordHashes = new ArrayList<>();
        Schema schema = null;
        for (Path f : avroFiles) {
            try (DataFileStream<GenericRecord> reader = AvroFiles.open(f, new GenericDatumReader<>())) {
                Schema s = reader.getSchema();
                if (schema == null) {
                    schema = s;
                } else if (!SchemaNormalization.toParsingForm(schema).equals(SchemaNormalization.toParsingForm(s))) {
                    throw new IOException("files of one artifact have different schemas: " + f);
                }
                GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(s);
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                BinaryEncoder enc = null;
                MessageDigest md = Hashing.sha256();
                for (GenericRecord r : reader) {
                    buf.reset();
                    enc = EncoderFactory.get().directBinaryEncoder(buf, enc);
                    writer.write(r, enc);
                    enc.flush();
                    recordHashes.add(md.digest(buf.toByteArray()));
                }
            }
        }
        recordHashes.sort(Arrays::compare);
        MessageDigest md = Hashing.sha256();
        String schemaName = schema == null ? "empty" : schema.getFullName();
        String schemaFp = schema == null ? "empty"
                : Long.toHexString(SchemaNormalization.parsingFingerprint64(schema));
        md.update(("schema " + schemaName + " " + schemaFp + "\n").getBytes(StandardCharsets.UTF_8));
        for (byte[] h : recordHashes) {
            md.update(h);
        }
        for (var e : sideFileSha256.entrySet()) {
            md.update(("file " + e.getKey() + " " + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return new Result(Hashing.hex(md.digest()), schemaName, schemaFp, recordHashes.size());
    }
}
