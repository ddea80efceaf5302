package io.sdclr.steps.internal.data;

import io.sdclr.steps.data.Expected;
import io.sdclr.steps.data.Mutator;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An independent reading of list files ({@code relative/path label} per line, the ImageNet-LT layout) for the
 * fuzz tests: UTF-8 text; lines ended by {@code \n}, {@code \r\n} or {@code \r}; blank lines skipped; otherwise two
 * fields separated by spaces or tabs, a path that stays under the image root ({@code \} read as {@code /}) and a
 * decimal label in {@code [0, numClasses)}.
 *
 * <pre>{@code
 * Expected<List<ImageList.Entry>> e = ImageListReference.merge(List.of(bytesA, bytesB), List.of(a, b), 10);
 * }</pre>
 *
 * <p>A line holding other white space or control characters (a form feed, a NUL, a byte order mark, a no-break
 * space) is outside what the format defines: such a file is {@link Expected.Unchecked}, the reader may reject it or
 * read it its way, but must throw nothing other than an input error naming the file.
 */
public final class ImageListReference {
    private static final Pattern SEPARATOR = Pattern.compile("[ \t]+");
    private static final Pattern LABEL = Pattern.compile("[+-]?\\p{Nd}+");

    private ImageListReference() {}

    /** What reading {@code bytes} as list file {@code file} must give. */
    public static Expected<List<ImageList.Entry>> read(byte[] bytes, Path file, int numClasses) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return Expected.invalid("not UTF-8");
        }
        String[] lines = text.split("\r\n|\r|\n", -1);
        int count = lines.length - (text.endsWith("\n") || text.endsWith("\r") || text.isEmpty() ? 1 : 0);
        List<ImageList.Entry> out = new ArrayList<>();
        String unusual = null;
        for (int i = 0; i < count; i++) {
            String line = lines[i];
            if (unusual == null && line.codePoints().anyMatch(ImageListReference::unusual)) {
                unusual = "line " + (i + 1) + " holds white space or control characters the format does not define";
            }
            String t = SEPARATOR.matcher(line).replaceAll(" ").replaceAll("^ | $", "");
            if (t.isEmpty()) {
                continue;
            }
            String[] f = t.split(" ");
            if (f.length != 2) {
                return orUnchecked(unusual, "line " + (i + 1) + " has " + f.length + " fields");
            }
            String path = f[0].replace('\\', '/');
            if (path.startsWith("/") || List.of(path.split("/")).contains("..")) {
                return orUnchecked(unusual, "line " + (i + 1) + " path leaves the root");
            }
            // Any decimal digits, as Python's int() (the official loaders') and Integer.parseInt take them.
            if (!LABEL.matcher(f[1]).matches()) {
                return orUnchecked(unusual, "line " + (i + 1) + " label " + f[1]);
            }
            BigInteger label = new BigInteger(f[1].replace("+", "").codePoints()
                    .map(c -> c == '-' ? '-' : '0' + Character.digit(c, 10))
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
            if (label.signum() < 0 || label.compareTo(BigInteger.valueOf(numClasses)) >= 0) {
                return orUnchecked(unusual, "line " + (i + 1) + " label " + label);
            }
            out.add(new ImageList.Entry(path, label.intValue(), file, i + 1));
        }
        return unusual == null ? Expected.valid(out) : Expected.unchecked(unusual);
    }

    private static boolean unusual(int c) {
        return c != ' ' && c != '\t' && (Character.isWhitespace(c) || Character.isSpaceChar(c)
                || Character.isISOControl(c) || c == '\uFEFF');
    }

    private static Expected<List<ImageList.Entry>> orUnchecked(String unusual, String why) {
        return unusual == null ? Expected.invalid(why) : Expected.unchecked(unusual);
    }

    /** What merging the list files in order must give: first occurrence of each path, one label per path. */
    public static Expected<List<ImageList.Entry>> merge(List<byte[]> contents, List<Path> files, int numClasses) {
        List<ImageList.Entry> out = new ArrayList<>();
        Map<String, ImageList.Entry> seen = new HashMap<>();
        boolean unchecked = false;
        for (int k = 0; k < files.size(); k++) {
            Expected<List<ImageList.Entry>> one = read(contents.get(k), files.get(k), numClasses);
            if (one instanceof Expected.Invalid<List<ImageList.Entry>>) {
                return one;
            }
            if (one instanceof Expected.Unchecked<List<ImageList.Entry>>) {
                unchecked = true;
                continue;
            }
            for (ImageList.Entry e : ((Expected.Valid<List<ImageList.Entry>>) one).value()) {
                ImageList.Entry first = seen.putIfAbsent(e.path(), e);
                if (first == null) {
                    out.add(e);
                } else if (first.label() != e.label()) {
                    return unchecked ? Expected.unchecked("after an unusual file")
                            : Expected.invalid(e.path() + " labelled " + first.label() + " and " + e.label());
                }
            }
        }
        return unchecked ? Expected.unchecked("an unusual file") : Expected.valid(out);
    }

    /** Lines as records, and edits of lines, labels, paths, separators, line ends and encoding. */
    public static Mutator.Structure structure(byte[] text, List<Mutator.Edit> extra) {
        String s = new String(text, StandardCharsets.UTF_8);
        List<Mutator.Edit> edits = new ArrayList<>();
        String first = s.substring(0, s.indexOf('\n') + 1);
        String second = s.substring(first.length(), s.indexOf('\n', first.length()) + 1);
        String rest = s.substring(first.length() + second.length());
        String[] f = first.strip().split("\\s+");
        edits.add(edit("lines 1 and 2 swapped", second + first + rest));
        edits.add(edit("line 2 deleted", first + rest));
        edits.add(edit("line 1 listed again", first + second + rest + first));
        edits.add(edit("line 1 listed again with another label", s + f[0] + " 5\n"));
        edits.add(edit("blank and white-space lines inserted", first + "\n   \n\t\n" + second + rest));
        edits.add(edit("CRLF line ends", s.replace("\r\n", "\n").replace("\n", "\r\n")));
        edits.add(edit("CR line ends", s.replace("\r\n", "\n").replace("\n", "\r")));
        edits.add(edit("no final newline", s.stripTrailing()));
        edits.add(edit("a tab between the fields", f[0] + "\t" + f[1] + "\n" + second + rest));
        edits.add(edit("leading and trailing spaces", "   " + f[0] + "   " + f[1] + "  \t\n" + second + rest));
        for (String label : List.of("10", "-1", "x", "1.0", "+3", "007", "99999999999", "\u0663", "")) {
            edits.add(edit("label \"" + label + "\"", f[0] + " " + label + "\n" + second + rest));
        }
        for (String path : List.of("/abs/a.JPEG", "../a.JPEG", "train/../../a.JPEG", "train\\..\\..\\a.JPEG",
                "train/..", "..", "./train/a..b.JPEG", "my image.JPEG", "a\0b.JPEG")) {
            edits.add(edit("path \"" + path.replace("\0", "\\0") + "\"", path + " " + f[1] + "\n" + second + rest));
        }
        edits.add(edit("a third field", f[0] + " " + f[1] + " extra\n" + second + rest));
        edits.add(edit("a form feed between the fields", f[0] + "\f" + f[1] + "\n" + second + rest));
        edits.add(edit("a no-break space between the fields", f[0] + "\u00a0" + f[1] + "\n" + second + rest));
        edits.add(edit("a byte order mark first", "\uFEFF" + s));
        edits.add(new Mutator.Edit("a 0xff byte in line 1", b -> {
            b[1] = (byte) 0xff;
            return b;
        }));
        edits.add(new Mutator.Edit("an overlong UTF-8 '/' (0xc0 0xaf) in line 1", b -> Mutator.concat(
                new byte[] {'a', (byte) 0xc0, (byte) 0xaf}, b)));
        edits.add(edit("emptied", ""));
        edits.addAll(extra);
        return Mutator.Structure.lines(text, edits);
    }

    private static Mutator.Edit edit(String description, String content) {
        return new Mutator.Edit(description, b -> content.getBytes(StandardCharsets.UTF_8));
    }
}
