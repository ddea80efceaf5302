package io.sdclr.dsl;

import java.math.BigDecimal;

/** Canonical text of parameter values: the same value always prints the same way (30.0 prints as 30). */
public final class Canonical {
    private Canonical() {}

    public static String value(Object v) {
        if (v instanceof Double || v instanceof Float) {
            return number(((Number) v).doubleValue());
        }
        return String.valueOf(v);
    }

    public static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }
}
