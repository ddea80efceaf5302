package io.sdclr.dsl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Values of a workflow's parameters: the defaults with the user's {@code --set} overrides applied. */
public final class Params {
    private final Map<String, Param<?>> spec;
    private final Map<String, Object> values;

    private Params(Map<String, Param<?>> spec, Map<String, Object> values) {
        this.spec = spec;
        this.values = values;
    }

    /**
     * Applies {@code overrides} (key to text) to the defaults of {@code declared}.
     *
     * @throws InvalidInputException for an unknown key (listing the valid keys) or a value of the wrong type
     */
    public static Params of(List<Param<?>> declared, Map<String, String> overrides) {
        Map<String, Param<?>> spec = new LinkedHashMap<>();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Param<?> p : declared) {
            if (spec.putIfAbsent(p.key(), p) != null) {
                throw new IllegalArgumentException("parameter " + p.key() + " is declared twice");
            }
            values.put(p.key(), p.defaultValue());
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            Param<?> p = spec.get(e.getKey());
            if (p == null) {
                throw new InvalidInputException("--set %s: unknown parameter; valid parameters: %s", e.getKey(),
                        String.join(", ", spec.keySet()));
            }
            values.put(p.key(), p.parse(e.getValue()));
        }
        return new Params(spec, values);
    }

    public <T> T get(Param<T> param) {
        Object v = values.get(param.key());
        if (v == null) {
            throw new IllegalArgumentException("parameter " + param.key() + " is not declared by this workflow");
        }
        return param.type().cast(v);
    }

    /** Values by key, sorted, for reports. */
    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** Keys whose value differs from the default. */
    public List<String> overridden() {
        List<String> out = new ArrayList<>();
        values.forEach((k, v) -> {
            if (!v.equals(spec.get(k).defaultValue())) {
                out.add(k);
            }
        });
        return out;
    }
}
