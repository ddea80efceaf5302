package io.sdclr.steps.internal.data;

import io.sdclr.steps.data.Expected;
import io.sdclr.steps.data.Mutator;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

/**
 * An independent reading of NumPy {@code .npy} bytes for the fuzz tests, and a writer: the layout of numpy's
 * {@code format.py} (versions 1.0, 2.0, 3.0), a header read only in the form numpy writes it, 1-D arrays of
 * non-negative integers in any integer dtype.
 *
 * <pre>{@code
 * byte[] f = NpyReference.encode(2, "<u4", 5, 0, 17);
 * Expected<List<Long>> e = NpyReference.read(mutated, NpyReference.meaning(f));
 * }</pre>
 *
 * <p>A header in numpy's own form is read for what it says ({@link Expected.Valid}). Other header text that a
 * reader may still accept (padding changed, keys reordered, numbers spelled differently) is
 * {@link Expected.RejectOr}: rejected, or read with the original file's dtype and shape, so that a reader can never
 * make a different array out of odd header text unnoticed.
 */
public final class NpyReference {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** The header as numpy writes it: the dict, spaces, a newline. */
    private static final Pattern CANONICAL = Pattern.compile(
            "\\{'descr': '([^']*)', 'fortran_order': (True|False), 'shape': \\(([^()]*)\\), \\} *\n");
    private static final Pattern DIMENSION = Pattern.compile("(0|[1-9][0-9]*)L?");
    private static final Pattern INTEGER_DTYPE = Pattern.compile("[<>|][iu][1248]");

    private NpyReference() {}

    /** What an array header says: its dtype and its length. */
    public record Meaning(String descr, long length) {}

    /** A 1-D array of {@code values} in dtype {@code descr}, as numpy's format.py writes it in version major. */
    public static byte[] encode(int major, String descr, long... values) {
        return encode(major, dict(descr, "(" + values.length + ",)"), elements(descr, values));
    }

    /** The header dict numpy writes for {@code descr} and {@code shape} (C order). */
    public static String dict(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    }

    /** A file of header text {@code dict}, padded with spaces and a newline to a multiple of 64 bytes as numpy does. */
    public static byte[] encode(int major, String dict, byte[] data) {
        int prefix = 8 + (major == 1 ? 2 : 4);
        byte[] text = dict.getBytes(charset(major));
        int padded = ((prefix + text.length + 1 + 63) / 64) * 64 - prefix;
        byte[] header = Arrays.copyOf(text, padded);
        Arrays.fill(header, text.length, padded - 1, (byte) ' ');
        header[padded - 1] = '\n';
        return raw(major, header, data);
    }

    /** A file of exactly {@code header} (no padding added) and {@code data}. */
    public static byte[] raw(int major, byte[] header, byte[] data) {
        int lengthBytes = major == 1 ? 2 : 4;
        ByteBuffer b = ByteBuffer.allocate(8 + lengthBytes + header.length + data.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (lengthBytes == 2) {
            b.putShort((short) header.length);
        } else {
            b.putInt(header.length);
        }
        return b.put(header).put(data).array();
    }

    /** {@code values} as elements of the integer dtype {@code descr}. */
    public static byte[] elements(String descr, long... values) {
        int size = descr.charAt(2) - '0';
        ByteBuffer b = ByteBuffer.allocate(size * values.length)
                .order(descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (size) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return b.array();
    }

    private static Charset charset(int major) {
        return major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
    }

    /** The dtype and length of a file this class wrote. */
    public static Meaning meaning(byte[] file) {
        Matcher m = CANONICAL.matcher(header(file));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a header numpy writes: " + header(file));
        }
        return new Meaning(m.group(1), Long.parseLong(m.group(3).replace(",", "").replace("L", "").strip()));
    }

    private static int major(byte[] file) {
        return file[6];
    }

    private static int headerStart(byte[] file) {
        return major(file) == 1 ? 10 : 12;
    }

    private static int headerLength(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        return major(file) == 1 ? b.getShort(8) & 0xffff : b.getInt(8);
    }

    /** The header text of a well-formed file. */
    public static String header(byte[] file) {
        return new String(file, headerStart(file), headerLength(file), charset(major(file)));
    }

    /** The data bytes of a well-formed file. */
    public static byte[] data(byte[] file) {
        return Arrays.copyOfRange(file, headerStart(file) + headerLength(file), file.length);
    }

    /**
     * What a reader must make of {@code b}: the indices it holds, or why it holds none; {@code original} is the
     * meaning of the file it was mutated from (see the class comment).
     */
    public static Expected<List<Long>> read(byte[] b, Meaning original) {
        if (b.length < 10 || !Arrays.equals(Arrays.copyOf(b, 6), MAGIC)) {
            return Expected.invalid("no \\x93NUMPY magic");
        }
        int major = b[6] & 0xff;
        if ((b[7] & 0xff) != 0 || major < 1 || major > 3) {
            return Expected.invalid("version " + major + "." + (b[7] & 0xff));
        }
        int start = major == 1 ? 10 : 12;
        if (b.length < start) {
            return Expected.invalid("cut inside the header length");
        }
        long headerLength = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xffffL;
        if (major > 1) {
            headerLength = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(8) & 0xffffffffL;
        }
        if (start + headerLength > b.length) {
            return Expected.invalid("header length " + headerLength + " past the end");
        }
        String header = new String(b, start, (int) headerLength, charset(major));
        Matcher m = CANONICAL.matcher(header);
        Meaning meaning = original;
        boolean canonical = m.matches();
        if (canonical) {
            List<BigInteger> shape = shape(m.group(3));
            if (shape == null) {
                canonical = false; // e.g. "(7)": an int in Python, not a tuple
            } else if (shape.size() != 1) {
                return Expected.invalid(shape.size() + "-D shape");
            } else if (!INTEGER_DTYPE.matcher(m.group(1)).matches()
                    || (m.group(1).charAt(0) == '|' && m.group(1).charAt(2) != '1')) {
                return Expected.invalid("dtype '" + m.group(1) + "'");
            } else if (shape.get(0).compareTo(BigInteger.valueOf(Integer.MAX_VALUE - 8)) > 0) {
                return Expected.invalid("shape " + shape.get(0) + " too large");
            } else {
                meaning = new Meaning(m.group(1), shape.get(0).longValue());
            }
        }
        int size = meaning.descr().charAt(2) - '0';
        long dataStart = start + headerLength;
        if (b.length - dataStart != meaning.length() * size) {
            return Expected.invalid((b.length - dataStart) + " data bytes for " + meaning);
        }
        ByteBuffer data = ByteBuffer.wrap(b, (int) dataStart, b.length - (int) dataStart)
                .order(meaning.descr().charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        boolean unsigned = meaning.descr().charAt(1) == 'u';
        List<Long> values = new ArrayList<>();
        for (long i = 0; i < meaning.length(); i++) {
            long v = switch (size) {
                case 1 -> unsigned ? data.get() & 0xffL : data.get();
                case 2 -> unsigned ? data.getShort() & 0xffffL : data.getShort();
                case 4 -> unsigned ? data.getInt() & 0xffffffffL : data.getInt();
                default -> data.getLong();
            };
            if (v < 0) {
                return Expected.invalid("element " + i + " is negative (or >= 2^63 unsigned)");
            }
            values.add(v);
        }
        return canonical ? Expected.valid(values)
                : Expected.rejectOr(values, "header text numpy does not write: " + abbreviate(header));
    }

    /** The dimensions of a shape tuple's text ("7," or "3, 2" or ""), or null if it is not a tuple of integers. */
    private static List<BigInteger> shape(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        boolean trailingComma = text.endsWith(",");
        String[] parts = (trailingComma ? text.substring(0, text.length() - 1) : text).split(", ", -1);
        if (parts.length == 1 && !trailingComma) {
            return null;
        }
        List<BigInteger> out = new ArrayList<>();
        for (String p : parts) {
            Matcher d = DIMENSION.matcher(p);
            if (!d.matches()) {
                return null;
            }
            out.add(new BigInteger(d.group(1)));
        }
        return out;
    }

    private static String abbreviate(String s) {
        String t = s.replace("\n", "\\n");
        return t.length() <= 90 ? t : t.substring(0, 87) + "...";
    }

    /**
     * Where to aim mutations of a well-formed file: the version and header length fields, the elements as records,
     * and edits of the header text (dtype, shape, order, keys, padding, nesting), of the version and of the array
     * (the same values in another dtype, one element fewer or more), plus {@code extra} edits.
     */
    public static Mutator.Structure structure(byte[] file, List<Mutator.Edit> extra) {
        int major = major(file);
        int start = headerStart(file);
        String header = header(file);
        Meaning meaning = meaning(file);
        String descr = meaning.descr();
        long n = meaning.length();
        byte[] data = data(file);
        int size = descr.charAt(2) - '0';
        List<Mutator.Edit> edits = new ArrayList<>();
        String swapped = (descr.charAt(0) == '>' ? "<" : ">") + descr.substring(1);
        String otherSign = descr.charAt(0) + (descr.charAt(1) == 'i' ? "u" : "i") + descr.charAt(2);
        String otherSize = descr.substring(0, 2) + (size == 8 ? "4" : "8");
        for (String d : List.of(swapped, otherSign, otherSize, "|i8", "<f8", "|b1", "<U3", "|O", "<i3", "i8", "")) {
            edits.add(text(major, "descr '" + d + "'", header.replace("'" + descr + "'", "'" + d + "'"), data));
        }
        edits.add(text(major, "descr a structured dtype", header.replace("'" + descr + "'", "[('a', '" + descr
                + "')]"), data));
        String shape = "(" + n + ",)";
        for (String s : List.of("(" + (n + 1) + ",)", "(" + (n - 1) + ",)", "(0,)", "()", "(" + n + ", 1)",
                "(1, " + n + ")", "(" + n + ")", "(" + n + "L,)", "(-1,)", "(2147483647,)",
                "(99999999999999999999,)", "(" + n + ".0,)", "[" + n + "]", "(0" + n + ",)")) {
            edits.add(text(major, "shape " + s, header.replace(shape, s), data));
        }
        edits.add(text(major, "fortran_order True", header.replace("False", "True"), data));
        edits.add(text(major, "fortran_order 0", header.replace("False", "0"), data));
        edits.add(text(major, "keys in another order", "{'shape': " + shape + ", 'fortran_order': False, 'descr': '"
                + descr + "'}", data));
        edits.add(text(major, "an extra key", header.replace("}", "'x': 1, }"), data));
        edits.add(text(major, "no 'fortran_order'", header.replace("'fortran_order': False, ", ""), data));
        edits.add(text(major, "'descr' twice", header.replace("{", "{'descr': '" + descr + "', "), data));
        edits.add(text(major, "double quotes", header.replace('\'', '"'), data));
        edits.add(text(major, "no closing brace", header.replace("}", ""), data));
        edits.add(new Mutator.Edit("the padding's newline a space", b -> raw(major,
                header.replace('\n', ' ').getBytes(charset(major)), data)));
        edits.add(new Mutator.Edit("header of 60000 '['", b -> encode(major, "[".repeat(60_000), data)));
        for (int[] v : new int[][] {{0, 0}, {2, 0}, {1, 1}, {4, 0}}) {
            if (v[0] != major) {
                edits.add(new Mutator.Edit("version " + v[0] + "." + v[1], b -> {
                    b[6] = (byte) v[0];
                    b[7] = (byte) v[1];
                    return b;
                }));
            }
        }
        long[] values = read(file, meaning) instanceof Expected.Valid<List<Long>> valid
                ? valid.value().stream().mapToLong(Long::longValue).toArray() : new long[0];
        for (String d : List.of("<i8", ">u8", "<i4", ">u2", "|u1", "<i1")) {
            if (!d.equals(descr)) {
                edits.add(new Mutator.Edit("the values re-encoded as '" + d + "'", b -> encode(major, d, values)));
            }
        }
        edits.add(new Mutator.Edit("re-encoded in version " + (major % 3 + 1),
                b -> encode(major % 3 + 1, descr, values)));
        edits.add(new Mutator.Edit("shape n - 1 and the last element dropped",
                b -> encode(major, descr, Arrays.copyOf(values, values.length - 1))));
        edits.add(new Mutator.Edit("shape n + 1 and element 7 appended",
                b -> encode(major, descr, LongStream.concat(Arrays.stream(values), LongStream.of(7)).toArray())));
        edits.addAll(extra);
        int headerLengthBytes = major == 1 ? 2 : 4;
        return Mutator.Structure.records(start + headerLength(file), size, file.length,
                List.of(new Mutator.Field("header length", 8, headerLengthBytes, false)), edits);
    }

    /** The file re-encoded with header text {@code dict} (padded as numpy pads) and the original data. */
    private static Mutator.Edit text(int major, String description, String dict, byte[] data) {
        String bare = dict.stripTrailing();
        return new Mutator.Edit(description, b -> encode(major, bare, data));
    }
}
