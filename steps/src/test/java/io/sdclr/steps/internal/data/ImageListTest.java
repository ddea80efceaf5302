package io.sdclr.steps.internal.data;

import static com.google.common.truth.Truth.assertThat;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.dsl.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageListTest {

    @TempDir Path dir;

    private Path list(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void parsesPathsLabelsAndLineNumbersSkippingBlankLines() throws IOException {
        Path f = list("train.txt", "train/n01/a.JPEG 0\n\n   \ntrain/n02/b.JPEG\t7\r\n  train/n03/c.png   99  \n");
        List<ImageList.Entry> entries = ImageList.read(f, 100);
        assertThat(entries).containsExactly(
                new ImageList.Entry("train/n01/a.JPEG", 0, f, 1),
                new ImageList.Entry("train/n02/b.JPEG", 7, f, 4),
                new ImageList.Entry("train/n03/c.png", 99, f, 5)).inOrder();
    }

    @Test
    void backslashesBecomeSlashes() throws IOException {
        Path f = list("win.txt", "train\\n01\\a.JPEG 3\n");
        assertThat(ImageList.read(f, 10).get(0).path()).isEqualTo("train/n01/a.JPEG");
    }

    @Test
    void wrongFieldCountNamesFileLineAndText() throws IOException {
        Path f = list("bad.txt", "a.jpg 1\nb.jpg\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ImageList.read(f, 10));
        assertThat(e).hasMessageThat()
                .isEqualTo(f + ":2: \"b.jpg\" has 1 field(s), expected two: relative/path label");
        Path spaces = list("spaces.txt", "my image.jpg 1\n");
        e = assertThrows(InvalidInputException.class, () -> ImageList.read(spaces, 10));
        assertThat(e).hasMessageThat().startsWith(spaces + ":1: \"my image.jpg 1\" has 3 field(s)");
    }

    @Test
    void labelMustBeAnIntegerInRange() throws IOException {
        Path word = list("word.txt", "a.jpg cat\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ImageList.read(word, 10));
        assertThat(e).hasMessageThat().isEqualTo(word + ":1: label \"cat\" is not an integer, expected 0..9");
        Path big = list("big.txt", "a.jpg 1\nb.jpg 10\n");
        e = assertThrows(InvalidInputException.class, () -> ImageList.read(big, 10));
        assertThat(e).hasMessageThat().isEqualTo(big + ":2: label 10 is out of range, expected 0..9 (10 classes)");
        Path negative = list("neg.txt", "a.jpg -1\n");
        e = assertThrows(InvalidInputException.class, () -> ImageList.read(negative, 10));
        assertThat(e).hasMessageThat().contains(":1: label -1 is out of range");
        assertThrows(IllegalArgumentException.class, () -> ImageList.read(big, 0));
    }

    @Test
    void pathsMustStayInsideTheRoot() throws IOException {
        for (String path : new String[] {"/etc/passwd", "../secret.jpg", "train/../../x.jpg", "a/..", "..\\x.jpg"}) {
            Path f = list("escape.txt", "ok.jpg 1\n" + path + " 2\n");
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> ImageList.read(f, 10));
            assertThat(e).hasMessageThat().isEqualTo(
                    f + ":2: path \"" + path + "\" must be relative to the image root and stay inside it");
        }
        // A name that merely contains two dots is fine.
        Path f = list("dots.txt", "train/a..b.jpg 1\n");
        assertThat(ImageList.read(f, 10).get(0).path()).isEqualTo("train/a..b.jpg");
    }

    @Test
    void missingListFileIsAnInputError() {
        Path nowhere = dir.resolve("nope.txt");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ImageList.read(nowhere, 10));
        assertThat(e).hasMessageThat().isEqualTo(nowhere + ": no such list file");
    }

    @Test
    void mergeKeepsFirstOccurrenceAndGivesStableIds() throws IOException {
        Path lt = list("lt.txt", "a.jpg 0\nb.jpg 1\n");
        Path balanced = list("balanced.txt", "b.jpg 1\nc.jpg 2\na.jpg 0\nd.jpg 1\n");
        List<ImageList.Entry> merged = ImageList.merge(List.of(lt, balanced), 3);
        assertThat(merged.stream().map(ImageList.Entry::path).toList())
                .containsExactly("a.jpg", "b.jpg", "c.jpg", "d.jpg").inOrder();
        // The first occurrence is kept, with where it was listed.
        assertThat(merged.get(1)).isEqualTo(new ImageList.Entry("b.jpg", 1, lt, 2));
        assertThat(ImageList.idsByPath(merged)).isEqualTo(Map.of("a.jpg", 0L, "b.jpg", 1L, "c.jpg", 2L, "d.jpg", 3L));
        // Same files, same order: same ids; another order: other ids.
        assertThat(ImageList.merge(List.of(lt, balanced), 3)).isEqualTo(merged);
        assertThat(ImageList.merge(List.of(balanced, lt), 3).get(0).path()).isEqualTo("b.jpg");
    }

    @Test
    void mergeRejectsOneImageWithTwoLabels() throws IOException {
        Path lt = list("lt.txt", "a.jpg 0\nb.jpg 1\n");
        Path other = list("other.txt", "c.jpg 2\nb.jpg 2\n");
        InvalidInputException e =
                assertThrows(InvalidInputException.class, () -> ImageList.merge(List.of(lt, other), 3));
        assertThat(e).hasMessageThat().isEqualTo(other + ":2: b.jpg has label 2, but " + lt
                + ":2 gave it label 1; expected one label per image");
    }

    @Test
    void aPathHoldingANulCharacterIsAnInputError() throws IOException {
        // Found by ImageListFuzzTest: a byte zeroed in a damaged list file put a NUL into a path; ImageList took it
        // and ReadImageFolder's Path.resolve then threw InvalidPathException instead of an input error.
        Path f = Files.write(dir.resolve("nul.txt"), "a.jpg 1\ntrain/n0\0/b.jpg 2\n".getBytes(UTF_8));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ImageList.read(f, 10));
        assertThat(e).hasMessageThat().isEqualTo(f + ":2: path \"train/n0\\x00/b.jpg\" holds a NUL character (byte"
                + " 0x00); expected a relative path (is the list file damaged?)");
    }
}
