package io.sdclr.steps.internal.data;

import io.sdclr.dsl.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * List files of the ImageNet-LT layout (and of the official SDCLR ImageNet-100 splits): one image per line,
 * {@code relative/path label}, the path relative to the image root.
 *
 * <pre>{@code
 * List<ImageList.Entry> train = ImageList.merge(List.of(lt, balanced, val), 100);  // index in the list = image id
 * Map<String, Long> ids = ImageList.idsByPath(train);
 * }</pre>
 *
 * <p>Blank lines are skipped. Everything else must be exactly two fields separated by white space: a path (no
 * spaces, not absolute, no {@code ..}, no NUL) and an integer label in {@code [0, numClasses)}. Every malformed
 * line is an {@link InvalidInputException} naming the file, the line number and what was expected.
 */
public final class ImageList {

    /**
     * One line of a list file.
     *
     * @param path the image path relative to the image root, with {@code /} separators
     * @param label the class
     * @param file the list file the line came from
     * @param line its 1-based line number
     */
    public record Entry(String path, int label, Path file, int line) {}

    private ImageList() {}

    /** Parses one list file. */
    public static List<Entry> read(Path listFile, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("numClasses must be > 0, was " + numClasses);
        }
        List<Entry> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(listFile, StandardCharsets.UTF_8)) {
            String text;
            int line = 0;
            while ((text = r.readLine()) != null) {
                line++;
                String t = text.strip();
                if (t.isEmpty()) {
                    continue;
                }
                String[] f = t.split("\\s+");
                if (f.length != 2) {
                    throw new InvalidInputException(
                            "%s:%d: \"%s\" has %d field(s), expected two: relative/path label", listFile, line,
                            abbreviate(t), f.length);
                }
                String path = f[0].replace('\\', '/');
                if (path.startsWith("/") || path.equals("..") || path.startsWith("../") || path.contains("/../")
                        || path.endsWith("/..")) {
                    throw new InvalidInputException(
                            "%s:%d: path \"%s\" must be relative to the image root and stay inside it", listFile,
                            line, f[0]);
                }
                if (path.indexOf('\0') >= 0) {
                    // No file system takes it: Path.resolve would throw InvalidPathException further on.
                    throw new InvalidInputException(
                            "%s:%d: path \"%s\" holds a NUL character (byte 0x00); expected a relative path (is the"
                                    + " list file damaged?)", listFile, line, f[0].replace("\0", "\\x00"));
                }
                int label;
                try {
                    label = Integer.parseInt(f[1]);
                } catch (NumberFormatException e) {
                    throw new InvalidInputException(
                            "%s:%d: label \"%s\" is not an integer, expected 0..%d", listFile, line, f[1],
                            numClasses - 1);
                }
                if (label < 0 || label >= numClasses) {
                    throw new InvalidInputException(
                            "%s:%d: label %d is out of range, expected 0..%d (%d classes)", listFile, line, label,
                            numClasses - 1, numClasses);
                }
                out.add(new Entry(path, label, listFile, line));
            }
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(e, "%s: no such list file", listFile);
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(e, "%s: not a UTF-8 text list file", listFile);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + listFile + " failed", e);
        }
        return out;
    }

    /**
     * Concatenates list files in order, keeping the first occurrence of each path. A path listed again must carry
     * the same label. The index of an entry in the result is its image id, so the same files in the same order
     * always give the same ids.
     */
    public static List<Entry> merge(List<Path> listFiles, int numClasses) {
        List<Entry> out = new ArrayList<>();
        Map<String, Entry> seen = new HashMap<>();
        for (Path file : listFiles) {
            for (Entry e : read(file, numClasses)) {
                Entry first = seen.putIfAbsent(e.path(), e);
                if (first == null) {
                    out.add(e);
                } else if (first.label() != e.label()) {
                    throw new InvalidInputException(
                            "%s:%d: %s has label %d, but %s:%d gave it label %d; expected one label per image",
                            e.file(), e.line(), e.path(), e.label(), first.file(), first.line(), first.label());
                }
            }
        }
        return out;
    }

    /** Image id (index in {@code entries}) by path. */
    public static Map<String, Long> idsByPath(List<Entry> entries) {
        Map<String, Long> ids = new HashMap<>(entries.size() * 2);
        for (int i = 0; i < entries.size(); i++) {
            ids.put(entries.get(i).path(), (long) i);
        }
        return ids;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
