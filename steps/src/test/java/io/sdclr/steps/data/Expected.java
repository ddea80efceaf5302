package io.sdclr.steps.data;

import java.util.function.Function;

/**
 * What a reader must do with one input, as an independent reading of the input's bytes (a reference decoder in
 * the test) says. Checked by {@link FuzzOracle}.
 *
 * <pre>{@code
 * Expected<List<Long>> e = header.isCanonical() ? Expected.valid(values) : Expected.rejectOr(values, "odd header");
 * }</pre>
 */
public sealed interface Expected<T> {

    /** The input is valid: the reader must return exactly {@code value}. */
    record Valid<T>(T value) implements Expected<T> {}

    /** The input is malformed: the reader must reject it with an input error naming the file. */
    record Invalid<T>(String why) implements Expected<T> {}

    /**
     * Unusual but not wrong (header text numpy would not write, say): the reader may reject it with an input error
     * naming the file, or return exactly {@code value}, never anything else.
     */
    record RejectOr<T>(T value, String why) implements Expected<T> {}

    /**
     * The input is damaged where this entry point does not look (a partial read of a file cut after the records
     * it reads): the reader may reject it or return anything, but throw nothing other than an input error naming
     * the file.
     */
    record Unchecked<T>(String why) implements Expected<T> {}

    static <T> Expected<T> valid(T value) {
        return new Valid<>(value);
    }

    static <T> Expected<T> invalid(String why) {
        return new Invalid<>(why);
    }

    static <T> Expected<T> rejectOr(T value, String why) {
        return new RejectOr<>(value, why);
    }

    static <T> Expected<T> unchecked(String why) {
        return new Unchecked<>(why);
    }

    /** The same expectation about what {@code f} makes of the value. */
    default <R> Expected<R> map(Function<T, R> f) {
        if (this instanceof Valid<T> v) {
            return new Valid<>(f.apply(v.value()));
        }
        if (this instanceof RejectOr<T> r) {
            return new RejectOr<>(f.apply(r.value()), r.why());
        }
        if (this instanceof Invalid<T> i) {
            return new Invalid<>(i.why());
        }
        return new Unchecked<>(((Unchecked<T>) this).why());
    }

    /** True unless the input is {@link Invalid}. */
    default boolean readable() {
        return !(this instanceof Invalid<T>);
    }
}
