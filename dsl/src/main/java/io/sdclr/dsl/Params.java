package io.sdclr.dsl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The user's {@code --set key=value} overrides of one run. {@link Workflow#named(String, Params)} applies them to
 * every step that declares the key, over the values the workflow's code gave; a workflow that needs a value while
 * it is being built (how many splits, which split files) reads it with {@link #get}.
 */
public final class Params {
    private final Map<String, String> overrides;
    private final Map<String, Param<?>> read = new LinkedHashMap<>();

    private Params(Map<String, String> overrides) {
        this.overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
    }

    /** No overrides: every step keeps the values the workflow's code gives it. */
    public static Params none() {
        return new Params(Map.of());
    }

    /** {@code key -> text} as the user typed them; checked against the declared parameters when applied. */
    public static Params of(Map<String, String> overrides) {
        return new Params(Objects.requireNonNull(overrides, "overrides"));
    }

    /**
     * The user's value of {@code param}, or its default: for values the workflow needs while it is built. The
     * parameter then counts as declared by the workflow ({@code ./sdclr list} shows it).
     */
    public <T> T get(Param<T> param) {
        Param<?> before = read.putIfAbsent(param.key(), param);
        if (before != null && !before.sameDeclaration(param)) {
            throw new IllegalStateException("parameter " + param.key() + " is declared twice, differently");
        }
        String text = overrides.get(param.key());
        return text == null ? param.defaultValue() : param.parse(text);
    }

    /** The raw text of an override, or null. */
    String override(String key) {
        return overrides.get(key);
    }

    /** Every key the user set. */
    public Map<String, String> overrides() {
        return overrides;
    }

    /** The parameters the workflow read with {@link #get}, by key. */
    Map<String, Param<?>> read() {
        return Collections.unmodifiableMap(read);
    }
}
