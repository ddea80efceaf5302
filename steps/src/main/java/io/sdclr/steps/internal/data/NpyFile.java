package io.sdclr.steps.internal.data;

import io.sdclr.dsl.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads NumPy {@code .npy} files holding a 1-D array of integer indices, such as the official SDCLR split files
 * ({@code split/cifar10/valIdxList.npy}, {@code split/cifar10_imbSub_with_subsets/split1_D_i.npy}).
 *
 * <pre>{@code
 * long[] val = NpyFile.readIndices(Path.of("split/cifar10/valIdxList.npy"));  // 5,000 indices into the train set
 * }</pre>
 *
 * <p>The format (NumPy's {@code format.py}, versions 1.0, 2.0 and 3.0): the magic {@code \x93NUMPY}, a major and
 * a minor version byte, the header length (little-endian, 2 bytes in 1.0 and 4 bytes in 2.0/3.0), then the header,
 * a Python dict literal {@code {'descr': '<i8', 'fortran_order': False, 'shape': (5000,), }} padded with spaces and
 * a newline, then the raw elements. Accepted: every integer dtype ({@code i1..i8}, {@code u1..u8}, either byte
 * order), 1-D shape. Everything else is an {@link InvalidInputException} naming the file, the byte offset or
 * element, the problem and what was expected.
 */
public final class NpyFile {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final String EXPECTED_HEADER =
            "a dict like {'descr': '<i8', 'fortran_order': False, 'shape': (5000,), }";

    private NpyFile() {}

    /** The integer dtype of an array: byte order, signedness and item size. */
    private record IntType(boolean bigEndian, boolean unsigned, int size) {}

    /** Reads a 1-D array of non-negative integer indices. */
    public static long[] readIndices(Path file) {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(e, "%s: no such .npy file", file);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file + " failed", e);
        }
        if (b.length < 10 || !startsWithMagic(b)) {
            throw new InvalidInputException("%s: byte 0: not a NumPy .npy file (starts with %s); expected the magic "
                    + "\\x93NUMPY", file, hexPrefix(b));
        }
        int major = b[6] & 0xff;
        int minor = b[7] & 0xff;
        if (minor != 0 || major < 1 || major > 3) {
            throw new InvalidInputException(
                    "%s: byte 6: .npy format version %d.%d is not supported; expected 1.0, 2.0 or 3.0", file, major,
                    minor);
        }
        int lengthBytes = major == 1 ? 2 : 4;
        if (b.length < 8 + lengthBytes) {
            throw new InvalidInputException("%s: byte 8: the file ends inside the header length (%d bytes); expected "
                    + "a %d-byte header length", file, b.length, lengthBytes);
        }
        long headerLen = (b[8] & 0xffL) | (b[9] & 0xffL) << 8;
        if (lengthBytes == 4) {
            headerLen |= (b[10] & 0xffL) << 16 | (b[11] & 0xffL) << 24;
        }
        int headerStart = 8 + lengthBytes;
        if (headerStart + headerLen > b.length) {
            throw new InvalidInputException(
                    "%s: byte 8: the header length says %d bytes, but only %d bytes follow; expected a complete header",
                    file, headerLen, b.length - headerStart);
        }
        // Version 3.0 only changes the header's encoding (UTF-8 instead of latin-1).
        String header = new String(b, headerStart, (int) headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, Object> dict = HeaderParser.parse(file, headerStart, header);
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!dict.containsKey(key)) {
                throw new InvalidInputException("%s: byte %d: the header has no '%s' key; expected %s", file,
                        headerStart, key, EXPECTED_HEADER);
            }
        }
        if (dict.size() != 3) {
            List<String> extra = new ArrayList<>(dict.keySet());
            extra.removeAll(List.of("descr", "fortran_order", "shape"));
            throw new InvalidInputException("%s: byte %d: the header has unexpected key(s) %s; expected exactly "
                    + "'descr', 'fortran_order' and 'shape'", file, headerStart, extra);
        }
        IntType type = intType(file, headerStart, dict.get("descr"));
        long[] shape = shape(file, headerStart, dict.get("shape"));
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new InvalidInputException("%s: byte %d: 'fortran_order' is %s; expected True or False", file,
                    headerStart, dict.get("fortran_order"));
        }
        if (shape.length != 1) {
            throw new InvalidInputException("%s: byte %d: shape %s%s is a %d-D array; expected a 1-D array of "
                    + "indices, shape (n,)", file, headerStart, shapeText(shape),
                    fortran && shape.length > 1 ? " (fortran_order True)" : "", shape.length);
        }
        long n = shape[0];
        int dataStart = headerStart + (int) headerLen;
        long declared = n * type.size();
        long actual = b.length - (long) dataStart;
        if (actual < declared) {
            long complete = actual / type.size();
            throw new InvalidInputException("%s: byte %d: the data holds %d bytes, but shape (%d,) of %d-byte "
                    + "integers needs %d; the file is truncated at element %d; expected %d elements", file,
                    dataStart, actual, n, type.size(), declared, complete, n);
        }
        if (actual > declared) {
            throw new InvalidInputException("%s: byte %d: %d bytes follow the %d elements the header declares "
                    + "(shape (%d,)); expected the file to end there", file, dataStart + declared, actual - declared,
                    n, n);
        }
        long[] out = new long[(int) n];
        for (int i = 0; i < n; i++) {
            int at = dataStart + i * type.size();
            long v = element(b, at, type);
            if (v < 0) {
                throw new InvalidInputException("%s: element %d (byte %d): index %s is negative; expected indices "
                        + ">= 0", file, i, at, type.unsigned() ? Long.toUnsignedString(v) + " (> 2^63-1)" : v);
            }
            out[i] = v;
        }
        return out;
    }

    private static boolean startsWithMagic(byte[] b) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (b[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static String hexPrefix(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(6, b.length); i++) {
            sb.append(String.format("\\x%02x", b[i] & 0xff));
        }
        return b.length == 0 ? "nothing (empty file)" : sb.toString();
    }

    private static long element(byte[] b, int at, IntType t) {
        long v = 0;
        for (int k = 0; k < t.size(); k++) {
            int shift = t.bigEndian() ? 8 * (t.size() - 1 - k) : 8 * k;
            v |= (b[at + k] & 0xffL) << shift;
        }
        if (!t.unsigned() && t.size() < 8) {
            int unused = 64 - 8 * t.size();
            v = v << unused >> unused; // sign-extend
        }
        return v;
    }

    private static IntType intType(Path file, int at, Object descr) {
        if (!(descr instanceof String d)) {
            throw new InvalidInputException("%s: byte %d: 'descr' is %s, a structured dtype; expected an integer "
                    + "dtype such as '<i8'", file, at, descr);
        }
        if (d.length() == 3 && "<>|".indexOf(d.charAt(0)) >= 0 && "iu".indexOf(d.charAt(1)) >= 0
                && "1248".indexOf(d.charAt(2)) >= 0) {
            int size = d.charAt(2) - '0';
            if (d.charAt(0) == '|' && size != 1) {
                throw new InvalidInputException("%s: byte %d: dtype '%s' has no byte order; expected '<%s' or "
                        + "'>%s'", file, at, d, d.substring(1), d.substring(1));
            }
            return new IntType(d.charAt(0) == '>', d.charAt(1) == 'u', size);
        }
        String kind = d.isEmpty() ? "" : d.substring(d.length() > 1 && "<>|=".indexOf(d.charAt(0)) >= 0 ? 1 : 0);
        String what = switch (kind.isEmpty() ? ' ' : kind.charAt(0)) {
            case 'f' -> "a floating-point dtype";
            case 'c' -> "a complex dtype";
            case 'O' -> "an object dtype (pickled Python objects)";
            case 'b', '?' -> "a boolean dtype";
            case 'U', 'S', 'a' -> "a string dtype";
            case 'i', 'u' -> "an integer dtype with an unsupported byte order or item size";
            default -> "not a dtype this reader knows";
        };
        throw new InvalidInputException("%s: byte %d: dtype '%s' is %s; expected a signed or unsigned integer "
                + "dtype (i1, i2, i4, i8, u1, u2, u4, u8 with byte order '<' or '>')", file, at, d, what);
    }

    private static long[] shape(Path file, int at, Object shape) {
        if (!(shape instanceof List<?> dims)) {
            throw new InvalidInputException("%s: byte %d: 'shape' is %s; expected a tuple such as (5000,)", file, at,
                    shape);
        }
        long[] out = new long[dims.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0) {
                throw new InvalidInputException("%s: byte %d: 'shape' %s has a dimension %s; expected non-negative "
                        + "integers", file, at, dims, dims.get(i));
            }
            out[i] = d;
        }
        if (out.length == 1 && out[0] > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("%s: byte %d: shape (%d,) is too large; expected at most %d indices",
                    file, at, out[0], Integer.MAX_VALUE - 8);
        }
        return out;
    }

    private static String shapeText(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(')').toString();
    }

    /**
     * The subset of Python literal syntax numpy writes in headers: a dict of string keys to strings, {@code True},
     * {@code False}, integers (with Python 2's {@code L} suffix) and tuples/lists of those.
     */
    private static final class HeaderParser {
        /**
         * Deepest nesting of dicts, tuples and lists: numpy's headers nest two levels (the dict, the shape), and a
         * damaged header of nothing but brackets must be an input error, not a StackOverflowError.
         */
        private static final int MAX_DEPTH = 8;
        private final Path file;
        private final int offset;
        private final String s;
        private int pos;
        private int depth;

        private HeaderParser(Path file, int offset, String s) {
            this.file = file;
            this.offset = offset;
            this.s = s;
        }

        static Map<String, Object> parse(Path file, int offset, String header) {
            HeaderParser p = new HeaderParser(file, offset, header);
            p.skipSpace();
            Object v = p.value();
            p.skipSpace();
            if (p.pos != header.length()) {
                throw p.error("unexpected text after the dict");
            }
            if (!(v instanceof Map<?, ?> m)) {
                throw p.error("the header is not a dict");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> dict = (Map<String, Object>) m;
            return dict;
        }

        private InvalidInputException error(String problem) {
            String near = s.substring(pos, Math.min(s.length(), pos + 20)).strip();
            return new InvalidInputException("%s: byte %d: malformed header dict: %s%s; expected %s", file,
                    offset + pos, problem, near.isEmpty() ? " at the end of the header" : " near \"" + near + "\"",
                    EXPECTED_HEADER);
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private boolean take(char c) {
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private Object value() {
            skipSpace();
            if (pos >= s.length()) {
                throw error("the header ends where a value was expected");
            }
            char c = s.charAt(pos);
            if (c == '{' || c == '(' || c == '[') {
                if (depth == MAX_DEPTH) {
                    throw error("values nested more than " + MAX_DEPTH + " levels deep");
                }
                depth++;
                Object v = c == '{' ? dict() : sequence(c == '(' ? ')' : ']');
                depth--;
                return v;
            }
            if (c == '\'' || c == '"') {
                return string();
            }
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (c == '-' || Character.isDigit(c)) {
                return integer();
            }
            throw error("unexpected character '" + c + "'");
        }

        private Map<String, Object> dict() {
            pos++; // {
            Map<String, Object> out = new LinkedHashMap<>();
            while (!take('}')) {
                skipSpace();
                if (pos >= s.length() || (s.charAt(pos) != '\'' && s.charAt(pos) != '"')) {
                    throw error("expected a quoted key or '}'");
                }
                String key = string();
                if (!take(':')) {
                    throw error("expected ':' after key '" + key + "'");
                }
                Object v = value();
                if (out.put(key, v) != null) {
                    throw error("key '" + key + "' appears twice");
                }
                if (!take(',')) {
                    if (!take('}')) {
                        throw error("expected ',' or '}'");
                    }
                    break;
                }
            }
            return out;
        }

        private List<Object> sequence(char close) {
            pos++; // ( or [
            List<Object> out = new ArrayList<>();
            while (!take(close)) {
                out.add(value());
                if (!take(',')) {
                    if (!take(close)) {
                        throw error("expected ',' or '" + close + "'");
                    }
                    break;
                }
            }
            return out;
        }

        private String string() {
            char quote = s.charAt(pos++);
            int end = s.indexOf(quote, pos);
            if (end < 0) {
                throw error("unterminated string");
            }
            String out = s.substring(pos, end);
            pos = end + 1;
            return out;
        }

        private Long integer() {
            int start = pos;
            if (s.charAt(pos) == '-') {
                pos++;
            }
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            String digits = s.substring(start, pos);
            if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) {
                pos++; // Python 2 long literal.
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                pos = start;
                throw error("\"" + digits + "\" is not a 64-bit integer");
            }
        }
    }
}
