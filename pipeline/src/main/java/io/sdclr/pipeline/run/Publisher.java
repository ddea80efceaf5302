package io.sdclr.pipeline.run;

import io.sdclr.dsl.OutputFile;
import io.sdclr.pipeline.store.ArtifactStore;
import io.sdclr.pipeline.store.AvroFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;

/** Writes the files of a workflow's published artifacts to its output directory, each replaced atomically. */
public final class Publisher {
    private Publisher() {}

    public static List<Path> publish(ArtifactStore store, String digest, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        Path root = outDir.toAbsolutePath().normalize();
        List<Path> written = new ArrayList<>();
        for (Path f : store.avroFiles(digest)) {
            try (DataFileStream<OutputFile> reader = AvroFiles.open(f, new SpecificDatumReader<>(OutputFile.class))) {
                for (OutputFile file : reader) {
                    Path target = root.resolve(file.getPath()).normalize();
                    if (!target.startsWith(root)) {
                        throw new IOException("published file " + file.getPath() + " escapes " + root);
                    }
                    Files.createDirectories(target.getParent());
                    ByteBuffer content = file.getContent();
                    byte[] bytes = new byte[content.remaining()];
                    content.get(bytes);
                    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
                    Files.write(tmp, bytes);
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    written.add(target);
                }
            }
        }
        return written;
    }
}
