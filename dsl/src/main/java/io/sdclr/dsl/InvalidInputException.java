package io.sdclr.dsl;

/**
 * Bad input from the user: a file, field or value that is not what was expected. The CLI turns it into
 * exit code 2 and prints only its message, so the message must name the thing (file, record, field,
 * value) and say what was expected.
 *
 * <pre>{@code
 * throw new InvalidInputException(
 *     "%s: record %d has label %d, expected 0..%d", file, record, label, numClasses - 1);
 * }</pre>
 */
public class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String format, Object... args) {
        super(args.length == 0 ? format : String.format(format, args));
    }

    public InvalidInputException(Throwable cause, String format, Object... args) {
        super(args.length == 0 ? format : String.format(format, args), cause);
    }
}
