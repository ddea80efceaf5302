package io.sdclr.dsl;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A tunable, declared once, on the step that uses it: its key, type, default, allowed range and description. The
 * key is the one name of the tunable everywhere: {@code --set key=value}, {@code ./sdclr list}, the cache key and
 * the reasons {@code ./sdclr plan} gives.
 *
 * <pre>{@code
 * public static final Param<Integer> EPOCHS =
 *     Param.integer("pretrain.epochs", 5, "pretraining epochs").atLeast(1);
 * // a workflow binds its own default with the step's withX method: Pretrain.sdclr().epochs(2000)
 * // a user overrides every step that declares it:                    --set pretrain.epochs=20
 * }</pre>
 *
 * <p>Keys are {@code kind.name} (or a bare name such as {@code seed}, shared by every step that declares it). An
 * {@linkplain #executionOnly() execution-only} parameter (a checkpoint interval) can be set but never enters the
 * cache key, because it does not change the result.
 */
public final class Param<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A predicate that can travel with the parameter into a pipeline. */
    public interface Check<T> extends Predicate<T>, Serializable {}

    /** The run's seed, declared here because every seeded step shares it under one key. */
    public static final Param<Long> SEED = longValue("seed", 1,
            "seed of splits, initialisation, augmentation and probes");

    private final String key;
    private final Class<?> type;
    private final Kind kind;
    private final T defaultValue;
    private final String description;
    private final Check<T> check;
    private final String expectation;
    private final boolean executionOnly;

    private enum Kind { INTEGER, LONG, DECIMAL, TEXT, BOOL, INTEGERS, DECIMALS }

    private Param(String key, Kind kind, Class<?> type, T defaultValue, String description, Check<T> check,
            String expectation, boolean executionOnly) {
        this.key = Objects.requireNonNull(key, "key");
        this.kind = kind;
        this.type = type;
        this.defaultValue = Objects.requireNonNull(defaultValue, "defaultValue");
        this.description = description;
        this.check = check;
        this.expectation = expectation;
        this.executionOnly = executionOnly;
        if (!key.matches("[a-z][A-Za-z0-9]*(\\.[a-z][A-Za-z0-9]*)?")) {
            throw new IllegalArgumentException("parameter key must look like kind.name, was \"" + key + "\"");
        }
        if (!check.test(defaultValue)) {
            throw new IllegalArgumentException("default of " + key + " (" + text(defaultValue) + ") " + expectation);
        }
    }

    public static Param<Integer> integer(String key, int defaultValue, String description) {
        return new Param<>(key, Kind.INTEGER, Integer.class, defaultValue, description, v -> true, "", false);
    }

    public static Param<Long> longValue(String key, long defaultValue, String description) {
        return new Param<>(key, Kind.LONG, Long.class, defaultValue, description, v -> true, "", false);
    }

    public static Param<Double> decimal(String key, double defaultValue, String description) {
        return new Param<>(key, Kind.DECIMAL, Double.class, defaultValue, description, v -> true, "", false);
    }

    public static Param<String> string(String key, String defaultValue, String description) {
        return new Param<>(key, Kind.TEXT, String.class, defaultValue, description, v -> true, "", false);
    }

    public static Param<Boolean> bool(String key, boolean defaultValue, String description) {
        return new Param<>(key, Kind.BOOL, Boolean.class, defaultValue, description, v -> true, "", false);
    }

    /** A list of integers, written {@code 200,20}. */
    public static Param<List<Integer>> integers(String key, List<Integer> defaultValue, String description) {
        return new Param<>(key, Kind.INTEGERS, List.class, List.copyOf(defaultValue), description,
                v -> !v.isEmpty(), "be a non-empty list", false);
    }

    /** A list of numbers, written {@code 0.485,0.456,0.406}. */
    public static Param<List<Double>> decimals(String key, List<Double> defaultValue, String description) {
        return new Param<>(key, Kind.DECIMALS, List.class, List.copyOf(defaultValue), description,
                v -> !v.isEmpty(), "be a non-empty list", false);
    }

    /** A copy that also requires {@code check}; {@code expectation} completes "must ...", e.g. "be > 0". */
    public Param<T> requiring(Check<T> check, String expectation) {
        Check<T> before = this.check;
        return new Param<>(key, kind, type, defaultValue, description, v -> before.test(v) && check.test(v),
                this.expectation.isEmpty() ? "must " + expectation : this.expectation + " and " + expectation,
                executionOnly);
    }

    /** For numeric parameters: the value must be at least {@code min}. */
    public Param<T> atLeast(double min) {
        return requiring(v -> ((Number) v).doubleValue() >= min, "be >= " + Canonical.number(min));
    }

    /** For numeric parameters: the value must be at most {@code max}. */
    public Param<T> atMost(double max) {
        return requiring(v -> ((Number) v).doubleValue() <= max, "be <= " + Canonical.number(max));
    }

    /** A copy that does not enter the cache key: it changes how a step runs, never what it produces. */
    public Param<T> executionOnly() {
        return new Param<>(key, kind, type, defaultValue, description, check, expectation, true);
    }

    /** A copy with another default (for a step that shares the key but needs another starting value). */
    public Param<T> withDefault(T value) {
        return new Param<>(key, kind, type, value, description, check, expectation, executionOnly);
    }

    public String key() {
        return key;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public boolean isExecutionOnly() {
        return executionOnly;
    }

    /** A word for the type, as users see it in {@code sdclr list} and in errors. */
    public String typeName() {
        return switch (kind) {
            case INTEGER, LONG -> "integer";
            case DECIMAL -> "number";
            case BOOL -> "true|false";
            case TEXT -> "text";
            case INTEGERS -> "integers";
            case DECIMALS -> "numbers";
        };
    }

    /** The value checked against this parameter's type and range; {@code where} names who set it. */
    @SuppressWarnings("unchecked")
    public T checked(Object value, String where) {
        Object v = value instanceof List<?> l ? List.copyOf(l) : value;
        if (v instanceof Integer i && kind == Kind.LONG) {
            v = i.longValue();
        }
        if (v instanceof Number n && kind == Kind.DECIMAL) {
            v = n.doubleValue();
        }
        boolean ok = v != null && type.isInstance(v);
        if (ok && v instanceof List<?> l) {
            Class<?> element = kind == Kind.INTEGERS ? Integer.class : Double.class;
            ok = l.stream().allMatch(element::isInstance);
        }
        if (!ok) {
            throw new IllegalArgumentException(where + ": " + key + " must be " + article(typeName()) + ", was "
                    + value);
        }
        if (!check.test((T) v)) {
            throw new InvalidInputException("%s: %s=%s: the value %s", where, key, text((T) v), expectation);
        }
        return (T) v;
    }

    /** Parses a {@code --set} value, or throws {@link InvalidInputException} saying what was expected. */
    public T parse(String text) {
        return parse(text, defaultValue);
    }

    /** As {@link #parse(String)}; an error names {@code current} (the workflow's value) as the default. */
    @SuppressWarnings("unchecked")
    T parse(String text, Object current) {
        T value;
        try {
            value = (T) convert(text.trim());
        } catch (RuntimeException e) {
            throw new InvalidInputException("--set %s=%s: expected %s (default %s)", key, text, article(typeName()),
                    text((T) current));
        }
        if (!check.test(value)) {
            throw new InvalidInputException("--set %s=%s: the value %s", key, text, expectation);
        }
        return value;
    }

    /** The canonical text of a value, as {@code --set} accepts it back: 30.0 prints as 30, lists as 200,20. */
    public String text(T value) {
        if (value instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            l.forEach(x -> parts.add(Canonical.value(x)));
            return String.join(",", parts);
        }
        return Canonical.value(value);
    }

    private Object convert(String text) {
        return switch (kind) {
            case INTEGER -> Integer.valueOf(text);
            case LONG -> Long.valueOf(text);
            case DECIMAL -> finite(text);
            case BOOL -> {
                if (!text.equals("true") && !text.equals("false")) {
                    throw new IllegalArgumentException(text);
                }
                yield Boolean.valueOf(text);
            }
            case TEXT -> text;
            case INTEGERS -> list(text, Integer::valueOf);
            case DECIMALS -> list(text, Param::finite);
        };
    }

    private static double finite(String text) {
        double d = Double.parseDouble(text);
        if (!Double.isFinite(d)) {
            throw new NumberFormatException(text);
        }
        return d;
    }

    private static <E> List<E> list(String text, Function<String, E> parse) {
        List<E> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            out.add(parse.apply(part.strip()));
        }
        return List.copyOf(out);
    }

    private static String article(String typeName) {
        if (typeName.startsWith("true")) {
            return "true or false";
        }
        if (typeName.endsWith("s")) {
            return "comma-separated " + typeName;
        }
        return (typeName.startsWith("i") ? "an " : "a ") + typeName;
    }

    /** Two declarations of one key agree when they have the same type and description. */
    boolean sameDeclaration(Param<?> other) {
        return key.equals(other.key) && kind == other.kind && description.equals(other.description);
    }

    @Override
    public String toString() {
        return key;
    }
}
