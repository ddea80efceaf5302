package io.sdclr.pipeline.cli;

import io.sdclr.dsl.InvalidInputException;
import io.sdclr.pipeline.store.ArtifactStore;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --store DIR} of the commands that work on a store which must exist already: verify, gc, runs, show,
 * compare.
 */
final class ExistingStore {
    @Option(names = "--store", paramLabel = "DIR", converter = StorePath.class,
            defaultValue = RunOptions.DEFAULT_STORE,
            description = "Artifact store: a folder, hdfs://NAMENODE:PORT/PATH or s3://BUCKET/PATH "
                    + "(default: ${DEFAULT-VALUE}).")
    Path dir;

    /**
     * The store at {@code --store}; exit 2 where there is none (never creates one). A folder is a store when it
     * has the store's own artifacts/ and keys/ folders: gc must never clean a folder that merely looks like one.
     */
    ArtifactStore open() {
        StorePath.checkReachable("--store", dir);
        if (!Files.isDirectory(dir.resolve("artifacts")) || !Files.isDirectory(dir.resolve("keys"))) {
            throw new InvalidInputException("--store %s: no artifact store there (expected a folder with artifacts/ "
                    + "and keys/ in it)", dir);
        }
        return new ArtifactStore(dir);
    }
}
