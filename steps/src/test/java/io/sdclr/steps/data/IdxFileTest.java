package io.sdclr.steps.data;

import io.sdclr.steps.internal.data.IdxFile;
import io.sdclr.steps.internal.data.IdxHeader;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.dsl.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFileTest {

    private static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir Path dir;

    /** IDX bytes: magic 0x000008nn, the dims, then {@code data}. */
    private static byte[] idx(int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000800 | dims.length);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return bytes.toByteArray();
    }

    private Path write(String name, byte[] content, boolean gzip) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            out.write(content);
        }
        return p;
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return b;
    }

    @Test
    void imagesRoundTripPlainAndGzip() throws IOException {
        byte[] data = pattern(5 * 3 * 4);
        for (boolean gzip : new boolean[] {false, true}) {
            // The name never says .gz: compression is detected from the content.
            Path p = write("images-" + gzip, idx(new int[] {5, 3, 4}, data), gzip);
            IdxHeader h = IdxFile.readHeader(p);
            assertThat(h.magic()).isEqualTo(IdxHeader.IMAGES_MAGIC);
            assertThat(h.dims()).isEqualTo(new int[] {5, 3, 4});
            assertThat(h.dataOffset()).isEqualTo(16);
            assertThat(h.recordSize()).isEqualTo(12);
            byte[][] some = IdxFile.readImages(p, 2, 3);
            assertThat(some).hasLength(3);
            for (int i = 0; i < 3; i++) {
                assertThat(some[i]).isEqualTo(Arrays.copyOfRange(data, (2 + i) * 12, (3 + i) * 12));
            }
            assertThat(IdxFile.readImages(p)).hasLength(5);
            assertThat(IdxFile.readImages(p, 5, 0)).hasLength(0);
        }
    }

    @Test
    void fourDimensionalImagesIncludeChannels() throws IOException {
        byte[] data = pattern(2 * 2 * 2 * 3);
        Path p = write("rgb", idx(new int[] {2, 2, 2, 3}, data), true);
        IdxHeader h = IdxFile.readHeader(p);
        assertThat(h.channels()).isEqualTo(3);
        byte[][] images = IdxFile.readImages(p, 1, 1);
        assertThat(images[0]).isEqualTo(Arrays.copyOfRange(data, 12, 24));
    }

    @Test
    void labelsRoundTripPlainAndGzip() throws IOException {
        byte[] labels = {0, 9, 3, 3, 7};
        for (boolean gzip : new boolean[] {false, true}) {
            Path p = write("labels-" + gzip, idx(new int[] {5}, labels), gzip);
            assertThat(IdxFile.readLabels(p, 10)).isEqualTo(new int[] {0, 9, 3, 3, 7});
        }
    }

    @Test
    void realFashionMnistHeaders() {
        IdxHeader train = IdxFile.checkPair(
                FASHION.resolve("train-images-idx3-ubyte.gz"), FASHION.resolve("train-labels-idx1-ubyte.gz"));
        assertThat(train.dims()).isEqualTo(new int[] {60_000, 28, 28});
        IdxHeader test = IdxFile.checkPair(
                FASHION.resolve("t10k-images-idx3-ubyte.gz"), FASHION.resolve("t10k-labels-idx1-ubyte.gz"));
        assertThat(test.dims()).isEqualTo(new int[] {10_000, 28, 28});

        int[] labels = IdxFile.readLabels(FASHION.resolve("t10k-labels-idx1-ubyte.gz"), 10);
        int[] perClass = new int[10];
        for (int y : labels) {
            perClass[y]++;
        }
        assertThat(perClass).isEqualTo(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000});
        assertThat(IdxFile.readLabels(FASHION.resolve("train-labels-idx1-ubyte.gz"), 10)).hasLength(60_000);
        byte[][] last = IdxFile.readImages(FASHION.resolve("t10k-images-idx3-ubyte.gz"), 9_999, 1);
        assertThat(last[0]).hasLength(784);
    }

    @Test
    void wrongMagicNamesExpectedAndFoundInHex() throws IOException {
        Path labels = write("labels", idx(new int[] {3}, new byte[] {1, 2, 3}), false);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxFile.readImages(labels, 0, 1));
        assertThat(e).hasMessageThat().contains(labels.toString());
        assertThat(e).hasMessageThat().contains("magic 0x00000801, expected 0x00000803 or 0x00000804");

        Path images = write("images", idx(new int[] {1, 1, 1}, new byte[] {1}), false);
        e = assertThrows(InvalidInputException.class, () -> IdxFile.readLabels(images, 10));
        assertThat(e).hasMessageThat().contains("magic 0x00000803, expected 0x00000801");
    }

    @Test
    void nonIdxFileIsRejected() throws IOException {
        Path png = write("picture.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}, false);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxFile.readHeader(png));
        assertThat(e).hasMessageThat().contains(png.toString());
        assertThat(e).hasMessageThat().contains("magic 0x89504e47");
        Path tiny = write("tiny", new byte[] {0, 0}, false);
        e = assertThrows(InvalidInputException.class, () -> IdxFile.readHeader(tiny));
        assertThat(e).hasMessageThat().contains("2 bytes long");
    }

    @Test
    void truncatedImagesNameTheFirstMissingRecord() throws IOException {
        // Header says 10 images of 4 bytes; data holds 6.5 images.
        byte[] content = idx(new int[] {10, 2, 2}, pattern(26));
        for (boolean gzip : new boolean[] {false, true}) {
            Path p = write("cut-" + gzip, content, gzip);
            assertThat(IdxFile.readImages(p, 0, 6)).hasLength(6);
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxFile.readImages(p, 4, 6));
            assertThat(e).hasMessageThat().contains(p.toString());
            assertThat(e).hasMessageThat().contains("record 6 is missing");
            e = assertThrows(InvalidInputException.class, () -> IdxFile.readImages(p, 8, 2));
            assertThat(e).hasMessageThat().contains("record 6 is missing");
        }
    }

    @Test
    void cutGzipStreamIsReportedAsTruncation() throws IOException {
        Path whole = write("whole.gz", idx(new int[] {100, 4, 4}, pattern(1600)), true);
        byte[] gz = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.gz");
        Files.write(cut, Arrays.copyOf(gz, gz.length / 2));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxFile.readImages(cut, 0, 100));
        assertThat(e).hasMessageThat().contains(cut.toString());
        assertThat(e).hasMessageThat().containsMatch("record \\d+ is missing");
    }

    @Test
    void labelOutOfRangeNamesRecordAndValue() throws IOException {
        Path p = write("labels", idx(new int[] {4}, new byte[] {1, 2, 12, 0}), true);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxFile.readLabels(p, 10));
        assertThat(e).hasMessageThat().contains(p.toString());
        assertThat(e).hasMessageThat().contains("record 2 has value 12, expected 0..9");
    }

    @Test
    void labelsWithMissingOrExtraBytesAreRejected() throws IOException {
        Path shortFile = write("short", idx(new int[] {4}, new byte[] {1, 2}), false);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxFile.readLabels(shortFile, 10));
        assertThat(e).hasMessageThat().contains("record 2 is missing");
        Path longFile = write("long", idx(new int[] {2}, new byte[] {1, 2, 3}), false);
        e = assertThrows(InvalidInputException.class, () -> IdxFile.readLabels(longFile, 10));
        assertThat(e).hasMessageThat().contains("data continues after the 2 labels");
    }

    @Test
    void imageAndLabelCountMismatch() throws IOException {
        Path images = write("images", idx(new int[] {3, 1, 1}, new byte[] {1, 2, 3}), false);
        Path labels = write("labels", idx(new int[] {2}, new byte[] {1, 2}), false);
        InvalidInputException e =
                assertThrows(InvalidInputException.class, () -> IdxFile.checkPair(images, labels));
        assertThat(e).hasMessageThat()
                .isEqualTo(images + " declares 3 images but " + labels
                        + " declares 2 labels; expected the same count in both files");
    }

    @Test
    void missingFileIsAnInputError() {
        Path nowhere = dir.resolve("nope.gz");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxFile.readHeader(nowhere));
        assertThat(e).hasMessageThat().contains("no such file");
    }

    /**
     * Issue 11, items 1-3: a header that does not match the data (27 rows declared for 28x28 data), a file shorter
     * or longer than its header says, a gzip stream cut mid-way and an empty file are rejected as a whole, whatever
     * a run would read of them.
     */
    @Test
    void wholeFileMustHoldExactlyTheDataItsHeaderDeclares() throws IOException {
        for (boolean gzip : new boolean[] {false, true}) {
            Path ok = write("ok-" + gzip, idx(new int[] {3, 28, 28}, pattern(3 * 28 * 28)), gzip);
            assertThat(IdxFile.checkWholeFile(ok).count()).isEqualTo(3);

            Path rows27 = write("rows27-" + gzip, idx(new int[] {3, 27, 28}, pattern(3 * 28 * 28)), gzip);
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxFile.checkWholeFile(rows27));
            assertThat(e).hasMessageThat().isEqualTo(rows27 + ": the header declares 3 records of 756 bytes (27x28) ="
                    + " 2268 data bytes after the 16-byte header, but the file holds 2352; the header does not match"
                    + " the data (wrong dimensions, a truncated file or trailing bytes)");
            // Reading the first image alone would not notice.
            assertThat(IdxFile.readImages(rows27, 0, 1)).hasLength(1);

            Path shortFile = write("short-" + gzip, idx(new int[] {3, 2, 2}, pattern(11)), gzip);
            e = assertThrows(InvalidInputException.class, () -> IdxFile.checkWholeFile(shortFile));
            assertThat(e).hasMessageThat().contains("but the file holds 11");

            Path trailing = write("trailing-" + gzip, idx(new int[] {1}, new byte[] {1, 2}), gzip);
            e = assertThrows(InvalidInputException.class, () -> IdxFile.checkWholeFile(trailing));
            assertThat(e).hasMessageThat().contains("declares 1 records of 1 bytes (1 byte each) = 1 data bytes after"
                    + " the 8-byte header, but the file holds 2");

            Path empty = write("empty-" + gzip, idx(new int[] {0, 28, 28}, new byte[0]), gzip);
            e = assertThrows(InvalidInputException.class, () -> IdxFile.checkWholeFile(empty));
            assertThat(e).hasMessageThat().isEqualTo(empty + ": the header declares 0 records; expected at least one");
        }
        Path whole = write("whole.gz", idx(new int[] {100, 4, 4}, pattern(1600)), true);
        byte[] gz = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut-half.gz");
        Files.write(cut, Arrays.copyOf(gz, gz.length / 2));
        // The first records decompress; the whole-file check does not stop there.
        assertThat(IdxFile.readImages(cut, 0, 1)).hasLength(1);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxFile.checkWholeFile(cut));
        assertThat(e).hasMessageThat().startsWith(cut.toString() + ":");
    }

    /** Issue 11, item 6: each damage is named as what it is, not by a symptom further on. */
    @Test
    void messagesNameTheActualDamage() throws IOException {
        Path labels = write("labels", idx(new int[] {4}, new byte[] {9, 0, 0, 3}), false);
        // Labels passed as the images file: its magic, not an image-size mismatch.
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxFile.checkPair(labels, labels));
        assertThat(e).hasMessageThat().isEqualTo(labels + ": magic 0x00000801, expected 0x00000803 or 0x00000804"
                + " (IDX unsigned-byte images, 3 or 4 dimensions)");
        // A labels file carrying the images magic: its magic, not "records of more than 2^31 bytes".
        byte[] asImages = idx(new int[] {4}, new byte[] {9, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8});
        asImages[3] = 0x03;
        Path imagesMagic = write("labels-with-images-magic", asImages, false);
        Path images = write("images", idx(new int[] {4, 2, 2}, pattern(16)), false);
        e = assertThrows(InvalidInputException.class, () -> IdxFile.checkPair(images, imagesMagic));
        assertThat(e).hasMessageThat().isEqualTo(imagesMagic + ": magic 0x00000803, expected 0x00000801"
                + " (IDX unsigned-byte labels, 1 dimension)");
        // A gzip file cut inside its data before the magic: a cut gzip stream, not "0 bytes long".
        byte[] gz = Files.readAllBytes(write("whole-labels.gz", idx(new int[] {4}, new byte[] {1, 2, 3, 4}), true));
        Path headerOnly = dir.resolve("header-only.gz");
        Files.write(headerOnly, Arrays.copyOf(gz, 10));
        e = assertThrows(InvalidInputException.class, () -> IdxFile.readHeader(headerOnly));
        assertThat(e).hasMessageThat().isEqualTo(headerOnly + ": the gzip data ends after 0 decompressed bytes,"
                + " before the 4-byte IDX magic: the file is cut short or empty");
        // 60,000 labels gzipped and cut near the end: the missing record is near the end, not record 0.
        byte[] many = new byte[60_000];
        java.util.Random rnd = new java.util.Random(3); // random labels: 30 compressed bytes hold few of them
        for (int i = 0; i < many.length; i++) {
            many[i] = (byte) rnd.nextInt(10);
        }
        byte[] manyGz = Files.readAllBytes(write("many.gz", idx(new int[] {many.length}, many), true));
        Path cut = dir.resolve("many-cut.gz");
        Files.write(cut, Arrays.copyOf(manyGz, manyGz.length - 30));
        e = assertThrows(InvalidInputException.class, () -> IdxFile.readLabels(cut, 10));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("record (\\d+) is missing")
                .matcher(e.getMessage());
        assertThat(m.find()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isAtLeast(59_000);
    }

    @Test
    void trainAndTestImagesOfDifferentSizeAreRejectedNamingBothFiles() throws IOException {
        Path train = write("train-images", idx(new int[] {2, 28, 28}, pattern(2 * 28 * 28)), false);
        Path test = write("test-images", idx(new int[] {1, 32, 32}, pattern(32 * 32)), true);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ReadIdx.checkSameGeometry(train, test));
        assertThat(e).hasMessageThat().isEqualTo("image size mismatch: " + train + " holds 28x28 images but " + test
                + " holds 32x32 images; expected the same size");
        ReadIdx.checkSameGeometry(train, write("same", idx(new int[] {1, 28, 28}, pattern(28 * 28)), false));
    }
    @Test
    void aHeaderDeclaringMoreDataThanTheFileHoldsIsTruncatedNotAnAllocation() throws IOException {
        // IdxFuzzTest's "count 6 -> 2147483647": readLabels and readImages allocated room for every declared record
        // before reading one (OutOfMemoryError, which took surefire's JVM down); they now allocate as data arrives.
        for (boolean gzip : new boolean[] {false, true}) {
            Path labels = write("labels-" + gzip, idx(new int[] {Integer.MAX_VALUE}, new byte[] {1, 2, 3}), gzip);
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxFile.readLabels(labels, 10));
            assertThat(e).hasMessageThat().isEqualTo(labels + ": truncated: record 3 is missing or incomplete; the"
                    + " header declares 2147483647 records of 1 bytes (2147483647 data bytes after the 8-byte header)");
            Path images = write("images-" + gzip, idx(new int[] {Integer.MAX_VALUE, 2, 2}, pattern(12)), gzip);
            e = assertThrows(InvalidInputException.class, () -> IdxFile.readImages(images));
            assertThat(e).hasMessageThat().startsWith(images + ": truncated: record 3 is missing or incomplete;");
            // One 16384 x 16384 record (256 MiB) declared in a 28-byte file: rejected without allocating the record.
            Path huge = write("huge-" + gzip, idx(new int[] {1, 16384, 16384}, pattern(12)), gzip);
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            e = assertThrows(InvalidInputException.class, () -> IdxFile.readImages(huge));
            assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(16L << 20);
            assertThat(e).hasMessageThat().startsWith(huge + ": truncated: record 0 is missing or incomplete;");
        }
    }
    @Test
    void aGzipFileCutBeforeItsTrailerIsRejectedByTheWholeFileCheck() throws IOException {
        // Found by IdxFuzzTest: a .gz file missing only its 8-byte trailer (CRC-32 and size) decompressed to the
        // declared data and passed checkWholeFile, so ReadIdx read it unverified; the cut is now named.
        byte[] gz = Files.readAllBytes(write("whole-images.gz", idx(new int[] {3, 2, 2}, pattern(12)), true));
        Path cut = dir.resolve("no-trailer.gz");
        Files.write(cut, Arrays.copyOf(gz, gz.length - 8));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxFile.checkWholeFile(cut));
        assertThat(e).hasMessageThat().isEqualTo(cut + ": the gzip stream ends before its 8-byte trailer (CRC-32 and"
                + " size): the file is cut short and its 12 data bytes cannot be verified; expected a complete gzip"
                + " file (download it again)");
        // Half the trailer: the same.
        Files.write(cut, Arrays.copyOf(gz, gz.length - 4));
        assertThat(assertThrows(InvalidInputException.class, () -> IdxFile.checkWholeFile(cut)))
                .hasMessageThat().contains("ends before its 8-byte trailer");
    }
}
