package io.sdclr.dsl;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a running step may touch besides its inputs: where its side files go, a work directory that survives a
 * killed run, the user's progress line and execution-only settings. Serializable so a {@code DoFn} may hold it.
 *
 * <pre>{@code
 * Path params = ctx.outputFile("encoder.params");   // published with the records, covered by the digest
 * Path checkpoints = ctx.workDir();                  // same cache key, same directory: resume after a kill
 * ctx.progress("epoch 3/5 loss 5.21 412 images/s ETA 1m20s");
 * }</pre>
 *
 * <p>Progress lines reach the user's terminal on every runner: they are appended to a file the runtime follows
 * while the step runs (on a Flink session cluster the step runs in a TaskManager, whose own stdout nobody reads).
 */
public final class StepContext implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(StepContext.class);

    private final String stepName;
    private final String outputDir;
    private final String workDir;
    private final String progressFile;
    private final String device;

    /**
     * @param outputDir staging directory of the output artifact
     * @param workDir a directory that survives a killed run of the same cache key
     * @param progressFile the file progress lines are appended to, which the runtime follows
     * @param device device preference for numeric work: {@code auto}, {@code cpu} or {@code gpu}
     */
    public StepContext(String stepName, Path outputDir, Path workDir, Path progressFile, String device) {
        this.stepName = Objects.requireNonNull(stepName, "stepName");
        this.outputDir = outputDir.toString();
        this.workDir = workDir.toString();
        this.progressFile = progressFile.toString();
        this.device = Objects.requireNonNull(device, "device");
    }

    /** A context under {@code dir} (output, work and progress inside it) for tests and tools; CPU. */
    public static StepContext in(String stepName, Path dir) {
        return new StepContext(stepName, dir.resolve("out"), dir.resolve("work"), dir.resolve("progress.log"),
                "cpu");
    }

    /** The step's name in its workflow. */
    public String stepName() {
        return stepName;
    }

    /** Device preference: {@code auto}, {@code cpu} or {@code gpu}; not part of any cache key. */
    public String device() {
        return device;
    }

    /**
     * Where to write the side file {@code name} of the output artifact (model parameters): it is published with
     * the records and covered by the artifact's digest; records refer to it by {@code name}.
     */
    public Path outputFile(String name) {
        return InputFiles.child(InputFiles.parse(outputDir), name);
    }

    /** A directory that survives a killed run of the same cache key (checkpoints). */
    public Path workDir() {
        return InputFiles.parse(workDir);
    }

    /** One line of progress for the user's terminal (epochs, loss, images/s, ETA); never per record. */
    public void progress(String line) {
        LOG.debug("[{}] {}", stepName, line);
        Path f = InputFiles.parse(progressFile);
        try {
            Files.createDirectories(f.getParent());
            Files.writeString(f, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write progress to " + f, e);
        }
    }
}
