package io.sdclr.pipeline.run;

import java.util.List;

/** A step failed while running (exit code 1). The message names the steps and the root cause. */
public final class StepFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StepFailedException(List<String> steps, Throwable cause) {
        super((steps.size() == 1 ? "step " : "steps ") + String.join(", ", steps) + " failed: " + describe(cause),
                cause);
    }

    /** A failure the runtime found itself (an output breaking its step's contract), said in {@code reason}. */
    public StepFailedException(List<String> steps, String reason) {
        super((steps.size() == 1 ? "step " : "steps ") + String.join(", ", steps) + " failed: " + reason);
    }

    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        return root.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }
}
