package io.sdclr.pipeline.cache;

import io.sdclr.dsl.Canonical;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parameters of a step as sorted {@code kind.component -> canonical text}. Nested records flatten with dots
 * ({@code pretrain.encoder.width}); lists print as {@code [a, b]}; doubles print without trailing zeros.
 */
public final class CanonicalParams {
    private CanonicalParams() {}

    public static TreeMap<String, String> of(String kind, Record params) {
        TreeMap<String, String> out = new TreeMap<>();
        flatten(kind, params, out);
        return out;
    }

    private static void flatten(String prefix, Record r, Map<String, String> out) {
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v;
            try {
                c.getAccessor().setAccessible(true);
                v = c.getAccessor().invoke(r);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read parameter " + c.getName() + " of " + r.getClass(), e);
            }
            String key = prefix + "." + c.getName();
            if (v instanceof Record nested) {
                flatten(key, nested, out);
            } else {
                out.put(key, text(v));
            }
        }
    }

    private static String text(Object v) {
        if (v instanceof Collection<?> list) {
            List<String> parts = new ArrayList<>();
            for (Object o : list) {
                parts.add(text(o));
            }
            return "[" + String.join(", ", parts) + "]";
        }
        if (v instanceof Map<?, ?> m) {
            TreeMap<String, String> sorted = new TreeMap<>();
            m.forEach((k, x) -> sorted.put(String.valueOf(k), text(x)));
            return sorted.toString();
        }
        if (v != null && v.getClass().isArray()) {
            throw new IllegalArgumentException("step parameters must not be arrays (use List): " + v.getClass());
        }
        return Canonical.value(v);
    }
}
