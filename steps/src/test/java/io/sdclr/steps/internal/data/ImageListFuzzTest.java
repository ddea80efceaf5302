package io.sdclr.steps.internal.data;

import io.sdclr.steps.data.FuzzOracle;
import io.sdclr.steps.data.Mutator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the list-file reader: 300 mutations of two list files (LF, and CRLF with tabs, blank lines and
 * no final newline). Each is merged with a second list as {@code ReadImageFolder} merges its lists, every path
 * resolved under the image root as it resolves them; {@link ImageList#read} and {@link ImageList#merge} must reject
 * the file naming it or give exactly the entries {@link ImageListReference} reads.
 */
class ImageListFuzzTest {
    private static final long SEED = 11;
    private static final int CLASSES = 10;
    private static final String LF = "train/n01/img_000.JPEG 0\ntrain/n01/img_001.JPEG 0\ntrain/n02/img_002.JPEG 1\n"
            + "\ntrain/n03/img_003.png 7\ntrain/n04/img_004.JPEG 9\nval\\n05\\img_005.JPEG 3\n"
            + "train/n06/\u00fcber_006.JPEG 2\n";
    private static final String CRLF = "train/n01/a.JPEG\t4\r\n  train/n02/b.JPEG 05  \r\n\r\n\t\r\n"
            + "train/n04/img_004.JPEG 9\r\ntrain/n07/c.JPEG 8";
    private static final String OTHER =
            "train/n02/img_002.JPEG 1\ntrain/n07/img_007.JPEG 4\ntrain/n04/img_004.JPEG 9\n";

    @TempDir Path tmp;

    @Test
    void everyMutatedListFileIsRejectedNamingItOrReadExactly() throws IOException {
        Mutator mutator = new Mutator(SEED);
        FuzzOracle oracle = new FuzzOracle("list file");
        Path root = Files.createDirectories(tmp.resolve("images"));
        Path other = Files.writeString(tmp.resolve("other.txt"), OTHER);
        for (String original : List.of(LF, CRLF)) {
            byte[] bytes = original.getBytes(StandardCharsets.UTF_8);
            for (Mutator.Mutation m : mutator.mutations(bytes, ImageListReference.structure(bytes, List.of()), 150)) {
                Path file = Files.write(tmp.resolve("case-" + m.index() + ".txt"), m.bytes());
                oracle.check(m, "ImageList.read", file, ImageListReference.read(m.bytes(), file, CLASSES),
                        () -> ImageList.read(file, CLASSES));
                oracle.check(m, "ImageList.merge, paths resolved", file,
                        ImageListReference.merge(List.of(m.bytes(), OTHER.getBytes(StandardCharsets.UTF_8)),
                                List.of(file, other), CLASSES),
                        () -> {
                            List<ImageList.Entry> merged = ImageList.merge(List.of(file, other), CLASSES);
                            // What ReadImageFolder does with each entry before anything else.
                            merged.forEach(e -> root.resolve(e.path()));
                            return merged;
                        });
            }
        }
        oracle.assertPassed();
    }
}
