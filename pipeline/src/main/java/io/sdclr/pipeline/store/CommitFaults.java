package io.sdclr.pipeline.store;

/**
 * Points inside {@link ArtifactStore#commit} where a test can simulate a crash. Production code uses
 * {@link #NONE}.
 */
@FunctionalInterface
public interface CommitFaults {
    enum Point {
        BEFORE_MANIFEST,
        BEFORE_PUBLISH,
        /** On S3: the artifact's files are copied, its manifest not yet. */
        BEFORE_PUBLISH_MANIFEST,
        BEFORE_KEY
    }

    CommitFaults NONE = point -> {};

    /** Called at each point; throw to simulate a crash there. */
    void at(Point point) throws java.io.IOException;

    /** Fails with an {@link java.io.IOException} at {@code point}. */
    static CommitFaults crashAt(Point point) {
        return p -> {
            if (p == point) {
                throw new java.io.IOException("simulated crash at " + p);
            }
        };
    }
}
