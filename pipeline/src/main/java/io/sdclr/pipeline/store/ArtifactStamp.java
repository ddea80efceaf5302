package io.sdclr.pipeline.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What an artifact's files looked like when they were last re-hashed in full and matched their manifest: per file
 * its size, modification time (ns) and file id (device and inode). A later cache hit whose files all still look so
 * is trusted without re-hashing.
 *
 * <pre>{@code
 * ArtifactStamp.write(stampFile, artifactDir, manifest);   // after a full verification passed
 * boolean same = ArtifactStamp.matches(stampFile, artifactDir);
 * }</pre>
 *
 * <p>File systems keep modification times in coarse ticks, so a file changed within the same tick as its stamp
 * could look unchanged: no stamp is written while any file is younger than {@link #SETTLE_MILLIS}; such an artifact
 * is re-hashed at its next hit instead.
 */
final class ArtifactStamp {
    static final long SETTLE_MILLIS = 2_000;

    private ArtifactStamp() {}

    /** Records the files of a verified artifact (its manifest and every file it lists), unless one is too young. */
    static void write(Path stampFile, Path artifactDir, Manifest manifest) throws IOException {
        List<String> paths = new ArrayList<>();
        paths.add(Manifest.FILE_NAME);
        manifest.files().forEach(f -> paths.add(f.path()));
        ObjectNode files = Manifest.JSON.createObjectNode();
        long now = System.currentTimeMillis();
        for (String rel : paths) {
            BasicFileAttributes a = Files.readAttributes(artifactDir.resolve(rel), BasicFileAttributes.class);
            if (now - a.lastModifiedTime().toMillis() < SETTLE_MILLIS) {
                Files.deleteIfExists(stampFile);
                return;
            }
            files.put(rel, describe(a));
        }
        ObjectNode root = Manifest.JSON.createObjectNode();
        root.set("files", files);
        ArtifactStore.writeAtomically(stampFile, Manifest.JSON.writeValueAsBytes(root));
    }

    /** True when the stamp exists and every file it lists is there with the same size, mtime and file id. */
    static boolean matches(Path stampFile, Path artifactDir) {
        if (!Files.isRegularFile(stampFile)) {
            return false;
        }
        try {
            JsonNode files = Manifest.JSON.readTree(Files.readAllBytes(stampFile)).path("files");
            if (!files.isObject() || files.size() == 0 || !files.has(Manifest.FILE_NAME)) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                Path p = artifactDir.resolve(e.getKey()).normalize();
                if (!p.startsWith(artifactDir) || !Files.isRegularFile(p)
                        || !describe(Files.readAttributes(p, BasicFileAttributes.class)).equals(e.getValue().asText())) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // An unreadable stamp is no stamp: the artifact is re-hashed.
        }
    }

    /** "size mtime-ns file-id", e.g. "1234 1764540000123456789 (dev=803,ino=1234567)". */
    private static String describe(BasicFileAttributes a) {
        return a.size() + " " + a.lastModifiedTime().to(TimeUnit.NANOSECONDS) + " " + a.fileKey();
    }
}
