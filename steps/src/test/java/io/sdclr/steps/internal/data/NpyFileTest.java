package io.sdclr.steps.internal.data;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sdclr.dsl.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

public class NpyFileTest {
    @TempDir Path tmp;

    /** The bytes of an .npy file as numpy's format.py writes them (header padded to a multiple of 64). */
    static byte[] npy(int major, String dict, byte[] data) {
        byte[] text = dict.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int lengthBytes = major == 1 ? 2 : 4;
        int prefix = 6 + 2 + lengthBytes;
        int padded = ((prefix + text.length + 1 + 63) / 64) * 64 - prefix;
        ByteBuffer b = ByteBuffer.allocate(prefix + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) padded);
        } else {
            b.putInt(padded);
        }
        b.put(text);
        for (int i = text.length; i < padded - 1; i++) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        b.put(data);
        return b.array();
    }

    static String dict(String descr, boolean fortran, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape
                + ", }";
    }

    /** {@code values} as little-endian int64, the dtype numpy gives {@code np.array(list_of_ints)}. */
    static byte[] int64(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    /** Writes an int64 index array as {@code np.save} does. */
    public static Path writeIndices(Path file, long... values) {
        try {
            Files.write(file, npy(1, dict("<i8", false, "(" + values.length + ",)"), int64(values)));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return file;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    private InvalidInputException bad(String name, byte[] bytes) throws IOException {
        Path f = write(name, bytes);
        return assertThrows(InvalidInputException.class, () -> NpyFile.readIndices(f));
    }

    @Test
    void readsInt64IndicesAsNumpySavesThem() throws IOException {
        Path f = writeIndices(tmp.resolve("val.npy"), 3, 0, 49_999, 17);
        assertThat(NpyFile.readIndices(f)).isEqualTo(new long[] {3, 0, 49_999, 17});
    }

    @ParameterizedTest
    @ValueSource(strings = {"|i1", "|u1", "<i1", "<i2", ">i2", "<u2", ">u2", "<i4", ">i4", "<u4", ">u4", "<i8",
            ">i8", "<u8", ">u8"})
    void readsEveryIntegerDtypeInEitherByteOrder(String descr) throws IOException {
        int size = descr.charAt(2) - '0';
        long[] values = {0, 1, 100, 127};
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
        Path f = write("a.npy", npy(1, dict(descr, false, "(4,)"), b.array()));
        assertThat(NpyFile.readIndices(f)).isEqualTo(values);
    }

    @Test
    void readsUnsignedValuesAboveTheSignedRange() throws IOException {
        Path u1 = write("u1.npy", npy(1, dict("|u1", false, "(2,)"), new byte[] {(byte) 200, (byte) 255}));
        Path u2 = write("u2.npy", npy(1, dict(">u2", false, "(1,)"), new byte[] {(byte) 0xC3, 0x50}));
        Path u4 = write("u4.npy", npy(1, dict("<u4", false, "(1,)"), new byte[] {0, 0, 0, (byte) 0x80}));
        assertThat(NpyFile.readIndices(u1)).isEqualTo(new long[] {200, 255});
        assertThat(NpyFile.readIndices(u2)).isEqualTo(new long[] {50_000});
        assertThat(NpyFile.readIndices(u4)).isEqualTo(new long[] {1L << 31});
    }

    @Test
    void readsFormatVersions2And3() throws IOException {
        Path v2 = write("v2.npy", npy(2, dict("<i8", false, "(2,)"), int64(5, 6)));
        Path v3 = write("v3.npy", npy(3, dict("<i8", false, "(2,)"), int64(7, 8)));
        assertThat(NpyFile.readIndices(v2)).isEqualTo(new long[] {5, 6});
        assertThat(NpyFile.readIndices(v3)).isEqualTo(new long[] {7, 8});
    }

    @Test
    void acceptsAnEmptyArrayFortranOrderIn1DAndPython2Longs() throws IOException {
        Path empty = write("e.npy", npy(1, dict("<i8", false, "(0,)"), new byte[0]));
        Path fortran = write("f.npy", npy(1, dict("<i8", true, "(1,)"), int64(9)));
        Path py2 = write("p.npy", npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (1L,), }", int64(4)));
        Path dquote = write("d.npy", npy(1, "{\"descr\": \"<i4\", \"shape\": (1,), \"fortran_order\": False}",
                new byte[] {4, 0, 0, 0}));
        assertThat(NpyFile.readIndices(empty)).isEmpty();
        assertThat(NpyFile.readIndices(fortran)).isEqualTo(new long[] {9});
        assertThat(NpyFile.readIndices(py2)).isEqualTo(new long[] {4});
        assertThat(NpyFile.readIndices(dquote)).isEqualTo(new long[] {4});
    }

    @Test
    void badMagicNamesTheFileAndWhatWasExpected() throws IOException {
        InvalidInputException e = bad("x.npy", "PK\u0003\u0004 a zip file, not npy".getBytes(StandardCharsets.UTF_8));
        assertThat(e).hasMessageThat().contains(tmp.resolve("x.npy") + ": byte 0: not a NumPy .npy file");
        assertThat(e).hasMessageThat().contains("expected the magic \\x93NUMPY");
        InvalidInputException empty = bad("empty.npy", new byte[0]);
        assertThat(empty).hasMessageThat().contains("nothing (empty file)");
    }

    @Test
    void unsupportedVersionIsRejected() throws IOException {
        byte[] v4 = npy(1, dict("<i8", false, "(1,)"), int64(1));
        v4[6] = 4;
        assertThat(bad("v4.npy", v4)).hasMessageThat().contains(
                "v4.npy: byte 6: .npy format version 4.0 is not supported; expected 1.0, 2.0 or 3.0");
        byte[] v11 = npy(1, dict("<i8", false, "(1,)"), int64(1));
        v11[7] = 1;
        assertThat(bad("v11.npy", v11)).hasMessageThat().contains("version 1.1 is not supported");
    }

    @Test
    void malformedHeadersNameTheByteAndTheProblem() throws IOException {
        assertThat(bad("a.npy", npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (1,)", int64(1))))
                .hasMessageThat().contains("malformed header dict: expected ',' or '}' at the end of the header");
        assertThat(bad("b.npy", npy(1, "{'descr': '<i8', 'shape': (1,), }", int64(1))))
                .hasMessageThat().contains("b.npy: byte 10: the header has no 'fortran_order' key");
        assertThat(bad("c.npy", npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), 'x': 1}",
                int64(1)))).hasMessageThat().contains("unexpected key(s) [x]");
        assertThat(bad("d.npy", npy(1, "{'descr': '<i8, 'fortran_order': False, 'shape': (1,)}", int64(1))))
                .hasMessageThat().contains("d.npy: byte 27: malformed header dict: expected ',' or '}' near "
                        + "\"fortran_order");
        assertThat(bad("e.npy", npy(1, "{'descr': <i8, 'fortran_order': False, 'shape': (1,)}", int64(1))))
                .hasMessageThat().contains("e.npy: byte 20: malformed header dict: unexpected character '<'");
        assertThat(bad("f.npy", npy(1, "['descr']", int64(1))))
                .hasMessageThat().contains("malformed header dict: the header is not a dict");
        byte[] cut = npy(1, dict("<i8", false, "(1,)"), int64(1));
        assertThat(bad("g.npy", Arrays.copyOf(cut, 40)))
                .hasMessageThat().contains("g.npy: byte 8: the header length says 118 bytes, but only 30 bytes follow");
    }

    @ParameterizedTest
    @ValueSource(strings = {"<f8:a floating-point dtype", "|O:an object dtype (pickled Python objects)",
            "|b1:a boolean dtype",
            "<U5:a string dtype", "<i3:an integer dtype with an unsupported byte order or item size",
            "=i8:an integer dtype with an unsupported byte order or item size"})
    void nonIntegerDtypesAreRejected(String descrAndWhat) throws IOException {
        String descr = descrAndWhat.substring(0, descrAndWhat.indexOf(':'));
        String what = descrAndWhat.substring(descrAndWhat.indexOf(':') + 1);
        InvalidInputException e = bad("t.npy", npy(1, dict(descr, false, "(1,)"), int64(1)));
        assertThat(e).hasMessageThat().contains("t.npy: byte 10: dtype '" + descr + "' is " + what
                + "; expected a signed or unsigned integer dtype");
    }

    @Test
    void structuredDtypeAndWideOneByteOrderAreRejected() throws IOException {
        assertThat(bad("s.npy", npy(1, "{'descr': [('a', '<i8')], 'fortran_order': False, 'shape': (1,)}",
                int64(1)))).hasMessageThat().contains("'descr' is [[a, <i8]], a structured dtype");
        assertThat(bad("w.npy", npy(1, dict("|i8", false, "(1,)"), int64(1))))
                .hasMessageThat().contains("dtype '|i8' has no byte order; expected '<i8' or '>i8'");
    }

    @Test
    void onlyOneDimensionalArraysAreIndexLists() throws IOException {
        assertThat(bad("s0.npy", npy(1, dict("<i8", false, "()"), int64(1)))).hasMessageThat()
                .contains("s0.npy: byte 10: shape () is a 0-D array; expected a 1-D array of indices, shape (n,)");
        assertThat(bad("s2.npy", npy(1, dict("<i8", true, "(2, 3)"), int64(1, 2, 3, 4, 5, 6)))).hasMessageThat()
                .contains("shape (2, 3) (fortran_order True) is a 2-D array; expected a 1-D array");
        assertThat(bad("s2c.npy", npy(1, dict("<i8", false, "(3, 1)"), int64(1, 2, 3)))).hasMessageThat()
                .contains("shape (3, 1) is a 2-D array");
    }

    @Test
    void dataShorterOrLongerThanTheHeaderDeclares() throws IOException {
        InvalidInputException shorter = bad("short.npy", npy(1, dict("<i8", false, "(3,)"),
                Arrays.copyOf(int64(1, 2, 3), 20)));
        assertThat(shorter).hasMessageThat().contains("short.npy: byte 128: the data holds 20 bytes, but shape (3,) "
                + "of 8-byte integers needs 24; the file is truncated at element 2; expected 3 elements");
        InvalidInputException longer = bad("long.npy", npy(1, dict("<i8", false, "(2,)"), int64(1, 2, 3)));
        assertThat(longer).hasMessageThat().contains(
                "long.npy: byte 144: 8 bytes follow the 2 elements the header declares (shape (2,))");
    }

    @Test
    void negativeIndicesNameTheElementAndByte() throws IOException {
        InvalidInputException e = bad("neg.npy", npy(1, dict("<i8", false, "(3,)"), int64(4, 5, -3)));
        assertThat(e).hasMessageThat().contains("neg.npy: element 2 (byte 144): index -3 is negative");
        InvalidInputException small = bad("neg1.npy", npy(1, dict("|i1", false, "(2,)"), new byte[] {1, -1}));
        assertThat(small).hasMessageThat().contains("element 1 (byte 129): index -1 is negative");
        InvalidInputException huge = bad("u8.npy", npy(1, dict("<u8", false, "(1,)"), int64(-1)));
        assertThat(huge).hasMessageThat().contains("index 18446744073709551615 (> 2^63-1) is negative");
    }

    @Test
    void missingFileIsAnInputError() {
        Path f = tmp.resolve("nope.npy");
        assertThat(assertThrows(InvalidInputException.class, () -> NpyFile.readIndices(f)))
                .hasMessageThat().contains(f + ": no such .npy file");
    }

    /** Files written by numpy itself, when it is installed (python3 -c 'import numpy'). */
    @Test
    void readsFilesWrittenByNumpy() throws Exception {
        assumeTrue(python("import numpy") == 0, "python3 with numpy is not installed");
        String script = String.join("\n",
                "import numpy as np, sys",
                "d = sys.argv[1]",
                "a = [0, 7, 49999, 123, 5]",
                "np.save(d + '/i8.npy', np.array(a))",
                "np.save(d + '/i4be.npy', np.array(a, dtype='>i4'))",
                "np.save(d + '/u2.npy', np.array(a, dtype=np.uint16))",
                "np.save(d + '/u1.npy', np.array([0, 7, 255], dtype=np.uint8))",
                "np.save(d + '/i8f.npy', np.asfortranarray(np.array(a)))",
                "np.save(d + '/perm.npy', np.random.RandomState(0).permutation(50000)[:5000])",
                "np.savetxt(d + '/perm.txt', np.load(d + '/perm.npy'), fmt='%d')",
                "for v in [(2, 0), (3, 0)]:",
                "    with open(d + '/v%d.npy' % v[0], 'wb') as f:",
                "        np.lib.format.write_array(f, np.array(a), version=v)",
                "np.save(d + '/f8.npy', np.array(a, dtype=float))",
                "np.save(d + '/2d.npy', np.array([a, a]))",
                "np.save(d + '/neg.npy', np.array([1, -2]))");
        Path py = Files.writeString(tmp.resolve("w.py"), script);
        assertThat(python(py.toString(), tmp.toString())).isEqualTo(0);
        long[] a = {0, 7, 49_999, 123, 5};
        for (String name : new String[] {"i8", "i8f", "v2", "v3", "i4be"}) {
            assertThat(NpyFile.readIndices(tmp.resolve(name + ".npy"))).isEqualTo(a);
        }
        assertThat(NpyFile.readIndices(tmp.resolve("u2.npy"))).isEqualTo(new long[] {0, 7, 49_999, 123, 5});
        assertThat(NpyFile.readIndices(tmp.resolve("u1.npy"))).isEqualTo(new long[] {0, 7, 255});
        long[] perm = Files.readAllLines(tmp.resolve("perm.txt")).stream().mapToLong(Long::parseLong).toArray();
        assertThat(NpyFile.readIndices(tmp.resolve("perm.npy"))).isEqualTo(perm);
        assertThat(assertThrows(InvalidInputException.class, () -> NpyFile.readIndices(tmp.resolve("f8.npy"))))
                .hasMessageThat().contains("dtype '<f8' is a floating-point dtype");
        assertThat(assertThrows(InvalidInputException.class, () -> NpyFile.readIndices(tmp.resolve("2d.npy"))))
                .hasMessageThat().contains("shape (2, 5) is a 2-D array");
        assertThat(assertThrows(InvalidInputException.class, () -> NpyFile.readIndices(tmp.resolve("neg.npy"))))
                .hasMessageThat().contains("element 1 (byte 136): index -2 is negative");
    }

    @Test
    void aDeeplyNestedHeaderIsMalformedNotAStackOverflow() throws IOException {
        // NpyFuzzTest's "header of 60000 '['": a header of brackets overflowed the parser's stack
        // (StackOverflowError); numpy's headers nest two levels deep, this reader now refuses more than eight.
        InvalidInputException e = bad("deep.npy", npy(2, "[".repeat(100_000), int64(1)));
        assertThat(e).hasMessageThat().startsWith(tmp.resolve("deep.npy") + ": byte 20: malformed header dict: values"
                + " nested more than 8 levels deep near \"[[[[[[[[[[[[[[[[[[[[\"; expected a dict like");
        // Eight levels (the dict and seven tuples) are still parsed, then refused for what they are.
        e = bad("eight.npy", npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (((((((1,),),),),),),), }",
                int64(1)));
        assertThat(e).hasMessageThat().contains("'shape' [[[[[[[1]]]]]]] has a dimension [[[[[[1]]]]]]");
    }

    /** Runs python3 with {@code args}; -1 if python3 cannot be started or hangs. */
    private static int python(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("python3"));
        if (args.length == 1 && !args[0].endsWith(".py")) {
            cmd.add("-c");
        }
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return -1;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        if (p.exitValue() != 0 && cmd.size() > 2 && !cmd.get(1).equals("-c")) {
            System.err.println(out.toString(StandardCharsets.UTF_8));
        }
        return p.exitValue();
    }
}
