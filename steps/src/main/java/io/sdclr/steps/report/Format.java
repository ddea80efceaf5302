package io.sdclr.steps.report;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Number and text formatting for the report files. Numbers go through {@link BigDecimal} of the exact double value,
 * never {@code Double.toString} or {@code String.format}, so the bytes do not depend on the JDK version or locale.
 */
final class Format {

    private Format() {}

    /** JSON number for a percentage: up to 6 decimals, no trailing zeros; NaN (an empty group) as {@code null}. */
    static String jsonNumber(double v) {
        if (Double.isNaN(v)) {
            return "null";
        }
        if (Double.isInfinite(v)) {
            throw new IllegalArgumentException("cannot write " + v + " to results.json");
        }
        BigDecimal d = new BigDecimal(v).setScale(6, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }

    /** JSON number with {@code digits} significant digits (losses, mask thresholds); NaN as {@code null}. */
    static String jsonSignificant(double v, int digits) {
        if (Double.isNaN(v)) {
            return "null";
        }
        if (Double.isInfinite(v)) {
            throw new IllegalArgumentException("cannot write " + v + " to results.json");
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(digits, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }

    /** Fixed decimals for tables and charts; NaN as an em dash. */
    static String fixed(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "—";
        }
        BigDecimal d = new BigDecimal(v).setScale(decimals, RoundingMode.HALF_UP);
        return d.signum() == 0 ? BigDecimal.ZERO.setScale(decimals).toPlainString() : d.toPlainString();
    }

    /** A parameter value: numbers in plain notation (30.0 → "30", 1e-6 → "0.000001"), the rest as text. */
    static String paramValue(Object v) {
        if (v instanceof Double || v instanceof Float) {
            BigDecimal d = BigDecimal.valueOf(((Number) v).doubleValue()).stripTrailingZeros();
            return d.signum() == 0 ? "0" : d.toPlainString();
        }
        if (v instanceof BigDecimal b) {
            return b.toPlainString();
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger || v instanceof Boolean) {
            return v.toString();
        }
        return (String) v;
    }

    /** JSON string literal. */
    static String jsonString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** Text inside a Markdown table cell. */
    static String markdownCell(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ");
    }

    /** Text inside HTML or SVG. */
    static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String methodName(String method) {
        return switch (method) {
            case "simclr" -> "SimCLR";
            case "sdclr" -> "SDCLR";
            case "simclr-balanced" -> "SimCLR on D_b (balanced control)";
            default -> method;
        };
    }

    /** The method's name where space is short (chart legends). */
    static String shortMethodName(String method) {
        return method.equals("simclr-balanced") ? "SimCLR on D_b" : methodName(method);
    }

    static String evaluationName(String evaluation) {
        return switch (evaluation) {
            case "linear" -> "Linear probe";
            case "fewshot" -> "Few-shot probe";
            case "knn" -> "kNN";
            default -> evaluation;
        };
    }
}
