package io.sdclr.dsl;

/** One problem found when a workflow is validated. */
public record DefinitionError(Kind kind, String message) {
    /** What is wrong. */
    public enum Kind {
        INVALID_NAME,
        DUPLICATE_STEP,
        UNKNOWN_INPUT,
        FOREIGN_INPUT,
        TYPE_MISMATCH,
        CYCLE,
        EMPTY_WORKFLOW,
        INVALID_PARAMETERS,
        PARAMETER_CONFLICT
    }

    @Override
    public String toString() {
        return "[" + kind + "] " + message;
    }
}
