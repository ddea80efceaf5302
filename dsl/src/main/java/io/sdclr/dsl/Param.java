package io.sdclr.dsl;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * A workflow parameter a user can set with {@code --set key=value}: a key ({@code kind.name} or a bare name
 * such as {@code seed}), a type, a default and a one-line description.
 *
 * <pre>{@code
 * static final Param<Integer> EPOCHS =
 *     Param.integer("pretrain.epochs", 5, "pretraining epochs").atLeast(1);
 * }</pre>
 */
public final class Param<T> {
    private final String key;
    private final Class<T> type;
    private final T defaultValue;
    private final String description;
    private final Predicate<T> check;
    private final String expectation;

    private Param(String key, Class<T> type, T defaultValue, String description, Predicate<T> check,
            String expectation) {
        this.key = Objects.requireNonNull(key, "key");
        this.type = type;
        this.defaultValue = Objects.requireNonNull(defaultValue, "defaultValue");
        this.description = description;
        this.check = check;
        this.expectation = expectation;
        if (!key.matches("[a-z][A-Za-z0-9]*(\\.[a-z][A-Za-z0-9]*)?")) {
            throw new IllegalArgumentException("parameter key must look like kind.name, was \"" + key + "\"");
        }
        if (!check.test(defaultValue)) {
            throw new IllegalArgumentException("default of " + key + " (" + defaultValue + ") " + expectation);
        }
    }

    public static Param<Integer> integer(String key, int defaultValue, String description) {
        return new Param<>(key, Integer.class, defaultValue, description, v -> true, "");
    }

    public static Param<Long> longValue(String key, long defaultValue, String description) {
        return new Param<>(key, Long.class, defaultValue, description, v -> true, "");
    }

    public static Param<Double> decimal(String key, double defaultValue, String description) {
        return new Param<>(key, Double.class, defaultValue, description, v -> true, "");
    }

    public static Param<String> string(String key, String defaultValue, String description) {
        return new Param<>(key, String.class, defaultValue, description, v -> true, "");
    }

    public static Param<Boolean> bool(String key, boolean defaultValue, String description) {
        return new Param<>(key, Boolean.class, defaultValue, description, v -> true, "");
    }

    /** A copy that also requires {@code check}; {@code expectation} completes "must ...", e.g. "be > 0". */
    public Param<T> requiring(Predicate<T> check, String expectation) {
        return new Param<>(key, type, defaultValue, description, this.check.and(check),
                this.expectation.isEmpty() ? "must " + expectation : this.expectation + " and " + expectation);
    }

    /** For numeric parameters: the value must be at least {@code min}. */
    @SuppressWarnings("unchecked")
    public Param<T> atLeast(double min) {
        return requiring(v -> ((Number) v).doubleValue() >= min, "be >= " + Canonical.number(min));
    }

    /** For numeric parameters: the value must be at most {@code max}. */
    public Param<T> atMost(double max) {
        return requiring(v -> ((Number) v).doubleValue() <= max, "be <= " + Canonical.number(max));
    }

    public String key() {
        return key;
    }

    public Class<T> type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** A word for the type, as users see it in {@code sdclr list} and in errors. */
    public String typeName() {
        if (type == Integer.class || type == Long.class) {
            return "integer";
        }
        if (type == Double.class) {
            return "number";
        }
        if (type == Boolean.class) {
            return "true|false";
        }
        return "text";
    }

    /** Parses a {@code --set} value, or throws {@link InvalidInputException} saying what was expected. */
    public T parse(String text) {
        T value;
        try {
            value = type.cast(convert(text.trim()));
        } catch (RuntimeException e) {
            throw new InvalidInputException("--set %s=%s: expected %s (default %s)", key, text, article(typeName()),
                    Canonical.value(defaultValue));
        }
        if (!check.test(value)) {
            throw new InvalidInputException("--set %s=%s: the value %s", key, text, expectation);
        }
        return value;
    }

    private Object convert(String text) {
        if (type == Integer.class) {
            return Integer.valueOf(text);
        }
        if (type == Long.class) {
            return Long.valueOf(text);
        }
        if (type == Double.class) {
            double d = Double.parseDouble(text);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException(text);
            }
            return d;
        }
        if (type == Boolean.class) {
            if (!text.equals("true") && !text.equals("false")) {
                throw new IllegalArgumentException(text);
            }
            return Boolean.valueOf(text);
        }
        return text;
    }

    private static String article(String typeName) {
        return typeName.startsWith("true") ? "true or false" : (typeName.startsWith("i") ? "an " : "a ") + typeName;
    }

    @Override
    public String toString() {
        return key;
    }
}
