package io.sdclr.dsl;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

/**
 * Where a running step finds its inputs and puts side files, and execution-only settings that are not part of
 * the cache key. Serializable so a {@code DoFn} may hold it as a field.
 *
 * @param stepName the step's name in its workflow
 * @param outputDir staging directory of the output artifact; side files written here (model parameters) are
 *     published with the Avro records and covered by the artifact's digest. Refer to them by relative path.
 * @param workDir a directory that survives a killed run of the same cache key (checkpoints go here)
 * @param inputDirs committed artifact directory of each input, by producing step name
 * @param device device preference for numeric work: {@code auto}, {@code cpu} or {@code gpu}
 */
public record StepContext(
        String stepName, String outputDir, String workDir, Map<String, String> inputDirs, String device)
        implements Serializable {
    public StepContext {
        Objects.requireNonNull(stepName, "stepName");
        Objects.requireNonNull(outputDir, "outputDir");
        Objects.requireNonNull(workDir, "workDir");
        inputDirs = Map.copyOf(inputDirs);
        Objects.requireNonNull(device, "device");
    }

    /** The committed directory of an input artifact, for side files it references. */
    public String inputDir(Artifact<?> artifact) {
        String dir = inputDirs.get(artifact.producer());
        if (dir == null) {
            throw new IllegalArgumentException(
                    "step \"" + stepName + "\" did not declare " + artifact + " as an input");
        }
        return dir;
    }
}
