package io.sdclr.steps.data;

import static com.google.common.truth.Truth.assertWithMessage;

import io.sdclr.dsl.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * The rule of the reader fuzz tests, checked case by case: a mutated input is either rejected with an
 * {@link InvalidInputException} whose message names the file, or read as exactly what an independent reading of its
 * bytes gives ({@link Expected}) — never another exception, never a different dataset. Failures are collected, so
 * one run lists every failing case with its seed, number and mutation.
 *
 * <pre>{@code
 * FuzzOracle oracle = new FuzzOracle("IDX");
 * for (Mutator.Mutation m : mutations) {
 *     oracle.check(m, "readLabels", file, reference(m.bytes()), () -> IdxFile.readLabels(file, 10));
 * }
 * oracle.assertPassed();
 * }</pre>
 */
public final class FuzzOracle {
    private static final int SHOWN = 25;
    private final String reader;
    private final List<String> failures = new ArrayList<>();
    private int checks;
    private int accepted;
    private int rejected;

    public FuzzOracle(String reader) {
        this.reader = reader;
    }

    /** Runs {@code read} on {@code file} (which holds {@code m}'s bytes) and checks the outcome. */
    public <T> void check(Mutator.Mutation m, String entryPoint, Path file, Expected<T> expected, Callable<T> read) {
        checks++;
        T actual;
        try {
            actual = read.call();
        } catch (InvalidInputException e) {
            rejected++;
            String message = String.valueOf(e.getMessage());
            if (!message.contains(file.getFileName().toString())) {
                fail(m, entryPoint, "rejected it without naming " + file.getFileName() + ": " + message);
            } else if (expected instanceof Expected.Valid<T> v) {
                fail(m, entryPoint, "rejected a file the reference reads as " + summary(v.value()) + ": " + message);
            }
            return;
        } catch (Throwable t) {
            // Anything else escaping a reader is the bug this test looks for, OutOfMemoryError included.
            StackTraceElement[] at = t.getStackTrace();
            fail(m, entryPoint, "threw " + t + (at.length > 0 ? " at " + at[0] : ""));
            return;
        }
        accepted++;
        if (expected instanceof Expected.Invalid<T> i) {
            fail(m, entryPoint, "accepted a file the reference rejects (" + i.why() + "), reading "
                    + summary(actual));
        } else if (expected instanceof Expected.Valid<T> v && !Objects.equals(v.value(), actual)) {
            fail(m, entryPoint, "read " + summary(actual) + ", expected " + summary(v.value()));
        } else if (expected instanceof Expected.RejectOr<T> r && !Objects.equals(r.value(), actual)) {
            fail(m, entryPoint, "accepted an unusual file (" + r.why() + ") reading " + summary(actual)
                    + ", expected a rejection or " + summary(r.value()));
        }
    }

    private void fail(Mutator.Mutation m, String entryPoint, String what) {
        failures.add(m + " " + entryPoint + ": " + what);
    }

    private static String summary(Object value) {
        String s = String.valueOf(value);
        return s.length() <= 300 ? s : s.substring(0, 297) + "...";
    }

    /** Number of reads checked so far. */
    public int checks() {
        return checks;
    }

    /**
     * Fails listing the failing cases, or if the cases never reached one of the two answers: mutations that are all
     * rejected (or all accepted) would not test the other half of the rule.
     */
    public void assertPassed() {
        List<String> shown = failures.subList(0, Math.min(SHOWN, failures.size()));
        assertWithMessage("%s fuzz: %s of %s reads failed the rule (reject naming the file, or read exactly what"
                + " the bytes say)%s:\n%s", reader, failures.size(), checks,
                failures.size() > SHOWN ? ", the first " + SHOWN : "", String.join("\n", shown))
                .that(failures).isEmpty();
        assertWithMessage("%s fuzz: %s accepted and %s rejected of %s reads; expected both", reader, accepted,
                rejected, checks).that(accepted > 0 && rejected > 0).isTrue();
    }
}
