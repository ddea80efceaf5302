package io.sdclr.pipeline.cli;

import io.sdclr.dsl.InvalidInputException;
import io.sdclr.pipeline.store.ArtifactStore;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --store DIR} of the commands that read a store which must exist already: verify, runs, show, compare. */
final class ExistingStore {
    @Option(names = "--store", paramLabel = "DIR", defaultValue = RunOptions.DEFAULT_STORE,
            description = "Artifact store (default: ${DEFAULT-VALUE}).")
    Path dir;

    /** The store at {@code --store}; exit 2 where there is none (never creates one). */
    ArtifactStore open() {
        if (!Files.isDirectory(dir.resolve("artifacts"))) {
            throw new InvalidInputException("--store %s: no artifact store there (expected a folder with artifacts/ in "
                    + "it)", dir);
        }
        return new ArtifactStore(dir);
    }
}
