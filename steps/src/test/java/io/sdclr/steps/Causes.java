package io.sdclr.steps;

/** For tests: what a failed pipeline run was caused by (Beam wraps a DoFn's exception). */
public final class Causes {
    private Causes() {}

    /** The first {@code T} in the cause chain of {@code e}, or null. */
    public static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
