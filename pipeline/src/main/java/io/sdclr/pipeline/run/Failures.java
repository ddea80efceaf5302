package io.sdclr.pipeline.run;

import io.sdclr.dsl.InvalidInputException;

/** Finds the user's input error inside the wrappers runners put around exceptions thrown in a {@code DoFn}. */
final class Failures {
    private static final String NAME = InvalidInputException.class.getName() + ": ";

    private Failures() {}

    static InvalidInputException invalidInput(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof InvalidInputException bad) {
                return bad;
            }
            // Flink ships remote exceptions as SerializedThrowable, whose message starts with the class name.
            String msg = c.getMessage();
            if (msg != null && msg.startsWith(NAME)) {
                return new InvalidInputException(c, "%s", msg.substring(NAME.length()));
            }
            if (c.toString().startsWith(NAME)) {
                return new InvalidInputException(c, "%s", c.toString().substring(NAME.length()));
            }
        }
        return null;
    }
}
