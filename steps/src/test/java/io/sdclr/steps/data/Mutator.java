package io.sdclr.steps.data;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Seeded mutations of a valid file, for the reader fuzz tests: truncations (anywhere, and at structural points:
 * inside the header, at its end, at record boundaries, mid-record), appended bytes, single and multiple bit flips
 * in the header and in the data, bytes set, deleted or duplicated, integer header fields set to interesting
 * values (±1, 0, huge, negative), and edits that the format names itself (a dtype string, a shape, a line).
 * A gzipped file gets the same mutations of its content, recompressed, and mutations of the compressed stream.
 *
 * <pre>{@code
 * Mutator m = new Mutator(11);
 * Mutator.Structure s = Mutator.Structure.records(16, 20, bytes.length, fields, edits);
 * for (Mutator.Mutation c : m.mutations(bytes, s, 80)) { ... c.bytes() ... c.toString() names seed and case ... }
 * }</pre>
 *
 * <p>The same seed and inputs give the same mutations in the same order, numbered from 0 across all calls on one
 * mutator, so a failing case is named by its seed and number.
 */
public final class Mutator {

    /** An unsigned integer field of the header, such as an IDX dimension or the .npy header length. */
    public record Field(String name, int offset, int width, boolean bigEndian) {
        long read(byte[] b) {
            long v = 0;
            for (int k = 0; k < width; k++) {
                int shift = bigEndian ? 8 * (width - 1 - k) : 8 * k;
                v |= (b[offset + k] & 0xffL) << shift;
            }
            return v;
        }

        void write(byte[] b, long v) {
            for (int k = 0; k < width; k++) {
                int shift = bigEndian ? 8 * (width - 1 - k) : 8 * k;
                b[offset + k] = (byte) (v >>> shift);
            }
        }

        long mask() {
            return width == 8 ? -1L : (1L << (8 * width)) - 1;
        }
    }

    /** A change the format's test names itself; {@code apply} gets a copy of the original it may modify. */
    public record Edit(String description, UnaryOperator<byte[]> apply) {}

    /**
     * Where a valid file's parts are: a header of {@code headerEnd} bytes, records starting at {@code boundaries}
     * (lines, for text), header {@code fields} to set, and format {@code edits}.
     */
    public record Structure(int headerEnd, List<Integer> boundaries, List<Field> fields, List<Edit> edits) {
        public Structure {
            boundaries = List.copyOf(boundaries);
            fields = List.copyOf(fields);
            edits = List.copyOf(edits);
        }

        /** A header of {@code headerEnd} bytes, then records of {@code recordSize} bytes up to {@code length}. */
        public static Structure records(int headerEnd, int recordSize, int length, List<Field> fields,
                List<Edit> edits) {
            List<Integer> starts = new ArrayList<>();
            for (int at = headerEnd; recordSize > 0 && at < length; at += recordSize) {
                starts.add(at);
            }
            return new Structure(headerEnd, starts, fields, edits);
        }

        /** A text file: no header, a record per line. */
        public static Structure lines(byte[] text, List<Edit> edits) {
            List<Integer> starts = new ArrayList<>(List.of(0));
            for (int i = 0; i < text.length - 1; i++) {
                if (text[i] == '\n') {
                    starts.add(i + 1);
                }
            }
            return new Structure(0, starts, List.of(), edits);
        }

        /** Where {@code offset} lies, for descriptions. */
        String where(int offset) {
            for (Field f : fields) {
                if (offset >= f.offset() && offset < f.offset() + f.width()) {
                    return "header field " + f.name();
                }
            }
            if (offset < headerEnd) {
                return "header";
            }
            for (int k = boundaries.size() - 1; k >= 0; k--) {
                if (offset == boundaries.get(k)) {
                    return "start of record " + k;
                }
                if (offset > boundaries.get(k)) {
                    return "record " + k;
                }
            }
            return "data";
        }
    }

    /** One mutated input. */
    public record Mutation(long seed, int index, String description, byte[] bytes) {
        @Override
        public String toString() {
            return "seed " + seed + " case " + index + " [" + description + "]";
        }
    }

    private record Candidate(String description, byte[] bytes) {}

    private final long seed;
    private final SplittableRandom random;
    private int next;

    public Mutator(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    /**
     * At least {@code count} mutations of {@code original}: each edit and each interesting value of each field once,
     * then random mutations up to {@code count}.
     */
    public List<Mutation> mutations(byte[] original, Structure s, int count) {
        return number(candidates(original, s, count));
    }

    /**
     * {@code count} mutations of the gzip-compressed {@code plain}: half are mutations of the content, compressed
     * again (the format's own structure behind compression), half of the compressed stream itself: its header,
     * deflate data and trailer (CRC-32, size) cut, flipped and edited, and bytes or a second member appended.
     */
    public List<Mutation> gzipMutations(byte[] plain, Structure s, int count) {
        List<Candidate> out = new ArrayList<>();
        for (Candidate c : candidates(plain, s, count / 2)) {
            out.add(new Candidate("content: " + c.description(), gzip(c.bytes())));
        }
        byte[] gz = gzip(plain);
        int n = gz.length;
        Structure stream = new Structure(10, List.of(10, n - 8), List.of(
                new Field("FLG", 3, 1, false), new Field("MTIME", 4, 4, false),
                new Field("CRC32", n - 8, 4, false), new Field("ISIZE", n - 4, 4, false)), List.of(
                new Edit("an empty gzip member appended", b -> concat(b, gzip(new byte[0]))),
                new Edit("a gzip member of one zero byte appended", b -> concat(b, gzip(new byte[1]))),
                new Edit("the content appended again as a second member", b -> concat(b, gzip(plain))),
                new Edit("gzip magic and 6 bytes of garbage appended",
                        b -> concat(b, new byte[] {0x1f, (byte) 0x8b, 1, 2, 3, 4, 5, 6})),
                new Edit("16 zero bytes appended", b -> concat(b, new byte[16])),
                new Edit("the 8-byte trailer cut off", b -> Arrays.copyOf(b, n - 8)),
                new Edit("the deflate data cut in half", b -> Arrays.copyOf(b, 10 + (n - 18) / 2))));
        for (Candidate c : candidates(gz, stream, count - out.size())) {
            out.add(new Candidate("gzip stream: " + c.description(), c.bytes()));
        }
        return number(out);
    }

    private List<Mutation> number(List<Candidate> candidates) {
        List<Mutation> out = new ArrayList<>();
        for (Candidate c : candidates) {
            out.add(new Mutation(seed, next++, c.description(), c.bytes()));
        }
        return out;
    }

    private List<Candidate> candidates(byte[] original, Structure s, int count) {
        List<Candidate> out = new ArrayList<>();
        for (Edit e : s.edits()) {
            out.add(new Candidate(e.description(), e.apply().apply(original.clone())));
        }
        for (Field f : s.fields()) {
            long current = f.read(original);
            for (long v : interestingValues(f, current)) {
                out.add(setField(original, f, current, v));
            }
        }
        while (out.size() < count) {
            out.add(randomMutation(original, s));
        }
        return out;
    }

    /** ±1, 0, 1, the largest signed value, the smallest (negative when signed), all ones and double. */
    private static List<Long> interestingValues(Field f, long current) {
        long mask = f.mask();
        long maxSigned = mask >>> 1;
        Set<Long> values = new LinkedHashSet<>();
        for (long v : new long[] {current + 1, current - 1, 0, 1, maxSigned, maxSigned + 1, mask, current * 2}) {
            values.add(v & mask);
        }
        values.remove(current);
        return List.copyOf(values);
    }

    private static Candidate setField(byte[] original, Field f, long current, long value) {
        byte[] b = original.clone();
        f.write(b, value);
        return new Candidate(f.name() + " " + signed(f, current) + " -> " + signed(f, value), b);
    }

    private static String signed(Field f, long v) {
        return f.width() == 4 && f.bigEndian() ? Integer.toString((int) v) : Long.toString(v);
    }

    private Candidate randomMutation(byte[] o, Structure s) {
        int n = o.length;
        int dataStart = Math.min(s.headerEnd(), n);
        switch (random.nextInt(12)) {
            case 0: {
                int at = random.nextInt(n);
                return new Candidate("cut to " + at + " bytes (" + s.where(at) + ")", Arrays.copyOf(o, at));
            }
            case 1: {
                List<Integer> points = cutPoints(s, n);
                int at = points.get(random.nextInt(points.size()));
                return new Candidate("cut to " + at + " bytes (" + s.where(at) + ")", Arrays.copyOf(o, at));
            }
            case 2: {
                byte[] extra = new byte[1 + random.nextInt(16)];
                random.nextBytes(extra);
                return new Candidate(extra.length + " random bytes appended", concat(o, extra));
            }
            case 3: {
                int[] r = record(s, n);
                return new Candidate("bytes " + r[0] + ".." + r[1] + " (" + s.where(r[0]) + ") appended again",
                        concat(o, Arrays.copyOfRange(o, r[0], r[1])));
            }
            case 4:
                return flip(o, s, 0, dataStart > 0 ? dataStart : n);  // in the header, if there is one
            case 5:
                return flip(o, s, dataStart < n ? dataStart : 0, n);  // in the data
            case 6: {
                byte[] b = o.clone();
                int flips = 2 + random.nextInt(7);
                StringBuilder d = new StringBuilder(flips + " bits flipped:");
                for (int k = 0; k < flips; k++) {
                    int at = random.nextInt(n);
                    int bit = random.nextInt(8);
                    b[at] ^= (byte) (1 << bit);
                    d.append(" byte ").append(at).append(" bit ").append(bit);
                }
                return new Candidate(d.toString(), b);
            }
            case 7: {
                byte[] b = o.clone();
                int at = random.nextInt(n);
                int[] choices = {0x00, 0xff, random.nextInt(256)};
                b[at] = (byte) choices[random.nextInt(3)];
                return new Candidate(String.format("byte %d (%s) 0x%02x -> 0x%02x", at, s.where(at), o[at] & 0xff,
                        b[at] & 0xff), b);
            }
            case 8: {
                int[] r = random.nextBoolean() ? record(s, n) : single(n);
                return new Candidate("bytes " + r[0] + ".." + r[1] + " (" + s.where(r[0]) + ") deleted",
                        concat(Arrays.copyOf(o, r[0]), Arrays.copyOfRange(o, r[1], n)));
            }
            case 9: {
                int[] r = random.nextBoolean() ? record(s, n) : single(n);
                byte[] copy = Arrays.copyOfRange(o, r[0], r[1]);
                return new Candidate("bytes " + r[0] + ".." + r[1] + " (" + s.where(r[0]) + ") duplicated in place",
                        concat(concat(Arrays.copyOf(o, r[1]), copy), Arrays.copyOfRange(o, r[1], n)));
            }
            case 10: {
                if (s.fields().isEmpty()) {
                    return flip(o, s, 0, n);
                }
                Field f = s.fields().get(random.nextInt(s.fields().size()));
                long current = f.read(o);
                List<Long> values = interestingValues(f, current);
                return setField(o, f, current, values.get(random.nextInt(values.size())));
            }
            default: {
                if (s.edits().isEmpty()) {
                    return flip(o, s, 0, n);
                }
                // An edit and a bit flip together: a format edit rarely comes alone in a damaged file.
                Edit e = s.edits().get(random.nextInt(s.edits().size()));
                byte[] b = e.apply().apply(o.clone());
                if (b.length == 0) {
                    return new Candidate(e.description(), b);
                }
                int at = random.nextInt(b.length);
                int bit = random.nextInt(8);
                b[at] ^= (byte) (1 << bit);
                return new Candidate(e.description() + ", then bit " + bit + " of byte " + at + " flipped", b);
            }
        }
    }

    private Candidate flip(byte[] o, Structure s, int from, int to) {
        byte[] b = o.clone();
        int at = from + random.nextInt(to - from);
        int bit = random.nextInt(8);
        b[at] ^= (byte) (1 << bit);
        return new Candidate("bit " + bit + " of byte " + at + " (" + s.where(at) + ") flipped", b);
    }

    /** Cut points worth trying: around the header's end, at and around record boundaries, mid-record. */
    private static List<Integer> cutPoints(Structure s, int n) {
        Set<Integer> points = new LinkedHashSet<>(List.of(0, 1, s.headerEnd() / 2, s.headerEnd() - 1,
                s.headerEnd(), s.headerEnd() + 1, n - 1));
        List<Integer> b = s.boundaries();
        for (int k = 0; k < b.size(); k++) {
            int end = k + 1 < b.size() ? b.get(k + 1) : n;
            points.addAll(List.of(b.get(k) - 1, b.get(k), b.get(k) + 1, (b.get(k) + end) / 2));
        }
        return points.stream().filter(p -> p >= 0 && p < n).toList();
    }

    /** A random record's [start, end), or the last 16 bytes if the structure has no records. */
    private int[] record(Structure s, int n) {
        List<Integer> b = s.boundaries();
        if (b.isEmpty() || b.get(0) >= n) {
            return new int[] {Math.max(0, n - 16), n};
        }
        int k = random.nextInt(b.size());
        return new int[] {b.get(k), k + 1 < b.size() ? b.get(k + 1) : n};
    }

    private int[] single(int n) {
        int at = random.nextInt(n);
        return new int[] {at, at + 1};
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** {@code plain} compressed as {@code gzip} does (one member, default level). */
    public static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The whole decompressed content, or null if the stream is not gzip or is corrupt or cut. */
    public static byte[] gunzip(byte[] gz) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    /** True if {@code b} starts with the gzip magic 0x1f 0x8b. */
    public static boolean isGzip(byte[] b) {
        return b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
    }
}
