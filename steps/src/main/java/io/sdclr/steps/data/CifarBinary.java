package io.sdclr.steps.data;

import io.sdclr.dsl.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the "binary version" of CIFAR-10 and CIFAR-100 (https://www.cs.toronto.edu/~kriz/cifar.html): files of
 * fixed-size records, each one or two label bytes followed by 3072 pixel bytes (1024 red, 1024 green, 1024 blue,
 * each plane row-major 32×32, so already CHW). Every malformed input is an {@link InvalidInputException} naming
 * the file, the record and what was expected.
 *
 * <pre>{@code
 * Path dir = CifarBinary.locate(Path.of("/data/cifar"), CifarBinary.Format.CIFAR10);  // or its cifar-10-batches-bin/
 * int n = CifarBinary.countRecords(dir.resolve("test_batch.bin"), CifarBinary.Format.CIFAR10);
 * List<CifarBinary.Record> first = CifarBinary.read(dir.resolve("test_batch.bin"), CifarBinary.Format.CIFAR10, false, 0, 100);
 * }</pre>
 */
final class CifarBinary {

    /** Bytes of pixels in one record: 3 planes of 32×32. */
    public static final int PIXELS = 3 * 32 * 32;

    private static final String DOWNLOAD =
            "download the binary version from https://www.cs.toronto.edu/~kriz/cifar.html, extract it and point"
                    + " to it with --set data.dir=DIR";

    /** The two datasets: their files, record layout and label ranges. */
    public enum Format {
        /** 1 label byte (10 classes); training set data_batch_1..5 in this order, test set test_batch. */
        CIFAR10("CIFAR-10", "cifar-10-batches-bin", "cifar-10-binary.tar.gz",
                List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                        "data_batch_5.bin"),
                List.of("test_batch.bin"), 1, 10, 10),
        /** 1 coarse label byte (20 superclasses) then 1 fine label byte (100 classes); train.bin and test.bin. */
        CIFAR100("CIFAR-100", "cifar-100-binary", "cifar-100-binary.tar.gz", List.of("train.bin"),
                List.of("test.bin"), 2, 100, 20);

        private final String title;
        private final String folder;
        private final String archive;
        private final List<String> trainFiles;
        private final List<String> testFiles;
        private final int labelBytes;
        private final int fineClasses;
        private final int coarseClasses;

        Format(String title, String folder, String archive, List<String> trainFiles, List<String> testFiles,
                int labelBytes, int fineClasses, int coarseClasses) {
            this.title = title;
            this.folder = folder;
            this.archive = archive;
            this.trainFiles = trainFiles;
            this.testFiles = testFiles;
            this.labelBytes = labelBytes;
            this.fineClasses = fineClasses;
            this.coarseClasses = coarseClasses;
        }

        /** "CIFAR-10" or "CIFAR-100". */
        public String title() {
            return title;
        }

        /** The folder the official archive extracts to. */
        public String folder() {
            return folder;
        }

        /** Training files, in id order. */
        public List<String> trainFiles() {
            return trainFiles;
        }

        /** Test files, in id order. */
        public List<String> testFiles() {
            return testFiles;
        }

        /** All files, training first. */
        public List<String> files() {
            List<String> all = new ArrayList<>(trainFiles);
            all.addAll(testFiles);
            return all;
        }

        /** Bytes per record: the label bytes and {@link #PIXELS}. */
        public int recordSize() {
            return labelBytes + PIXELS;
        }

        /** Number of classes of the label used: 10 for CIFAR-10, 100 (fine) or 20 (coarse) for CIFAR-100. */
        public int numClasses(boolean coarse) {
            return coarse ? coarseClasses : fineClasses;
        }

        String layout() {
            return labelBytes == 1
                    ? "records of 1 label byte + 3072 pixel bytes"
                    : "records of 1 coarse label byte + 1 fine label byte + 3072 pixel bytes";
        }
    }

    /**
     * One record of a CIFAR binary file.
     *
     * @param index 0-based record index in its file
     * @param label the label used (the fine one for CIFAR-100 unless coarse labels were asked for)
     * @param pixels {@link #PIXELS} bytes, CHW (R plane, G plane, B plane; each row-major 32×32)
     */
    public record Record(int index, int label, byte[] pixels) {}

    private CifarBinary() {}

    /**
     * The folder holding the files of {@code format}: {@code dataDir} itself, or the folder the official archive
     * extracts to inside it ({@code cifar-10-batches-bin/}, {@code cifar-100-binary/}). Fails naming the missing
     * files and the expected layout.
     */
    public static Path locate(Path dataDir, Format format) {
        if (!Files.isDirectory(dataDir)) {
            throw new InvalidInputException(
                    "data.dir=%s: no such directory; expected the %s binary version (%s, or the folder %s/ holding"
                            + " them): %s",
                    dataDir, format.title(), String.join(", ", format.files()), format.folder(), DOWNLOAD);
        }
        Path nested = dataDir.resolve(format.folder());
        List<String> missingHere = missing(dataDir, format);
        if (missingHere.isEmpty()) {
            return dataDir;
        }
        List<String> missingNested = missing(nested, format);
        if (missingNested.isEmpty()) {
            return nested;
        }
        // Report against the folder that holds more of the files: that is where the user meant to put them.
        boolean nestedCloser = Files.isDirectory(nested) && missingNested.size() < missingHere.size();
        Path where = nestedCloser ? nested : dataDir;
        List<String> absent = nestedCloser ? missingNested : missingHere;
        StringBuilder hint = new StringBuilder();
        if (Files.isRegularFile(dataDir.resolve(format.archive))) {
            hint.append(String.format(" %s is still packed: extract it with tar xzf %s.", format.archive,
                    dataDir.resolve(format.archive)));
        }
        String python = format == Format.CIFAR10 ? "cifar-10-batches-py" : "cifar-100-python";
        if (Files.isDirectory(dataDir.resolve(python)) || Files.isRegularFile(where.resolve("batches.meta"))
                || Files.isRegularFile(where.resolve("meta"))) {
            hint.append(" The python version (pickled batches) is there; this reader needs the binary version.");
        }
        throw new InvalidInputException(
                "data.dir=%s: missing %s%s; expected the %s binary version: %s (%s) in data.dir or in"
                        + " data.dir/%s/.%s To get it, %s",
                dataDir, String.join(", ", absent), where.equals(dataDir) ? "" : " in " + where, format.title(),
                String.join(", ", format.files()), format.layout(), format.folder(), hint, DOWNLOAD);
    }

    private static List<String> missing(Path dir, Format format) {
        List<String> out = new ArrayList<>();
        for (String f : format.files()) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                out.add(f);
            }
        }
        return out;
    }

    /**
     * The number of records in {@code file}, from its length. Fails if the file is empty or its length is not a
     * whole number of records (a truncated download), naming the first incomplete record.
     */
    public static int countRecords(Path file, Format format) {
        long length;
        try {
            length = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(e, "%s: no such file", file);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file + " failed", e);
        }
        int size = format.recordSize();
        if (length == 0) {
            throw new InvalidInputException("%s: empty file; expected %s %s", file, format.title(), format.layout());
        }
        if (length % size != 0) {
            throw new InvalidInputException(
                    "%s: truncated: %d bytes is not a whole number of %d-byte records; record %d is incomplete"
                            + " (%d of its %d bytes). Expected %s %s; download the file again",
                    file, length, size, length / size, length % size, size, format.title(), format.layout());
        }
        if (length / size > Integer.MAX_VALUE) {
            throw new InvalidInputException("%s: %d bytes, more records than this reader supports", file, length);
        }
        return (int) (length / size);
    }

    /**
     * Reads records {@code [from, from + count)} of {@code file}. The label used is the only label of CIFAR-10,
     * and the fine (or, if {@code coarse}, the coarse) label of CIFAR-100; every label byte of a record must be in
     * its range.
     */
    public static List<Record> read(Path file, Format format, boolean coarse, int from, int count) {
        int total = countRecords(file, format);
        if (from < 0 || count < 0 || (long) from + count > total) {
            throw new IllegalArgumentException(String.format(
                    "%s: cannot read records [%d, %d): the file holds %d", file, from, (long) from + count, total));
        }
        int size = format.recordSize();
        List<Record> out = new ArrayList<>(count);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(size * Math.max(1, Math.min(count, 256)));
            long position = (long) from * size;
            int index = from;
            while (index < from + count) {
                buf.clear();
                buf.limit(size * Math.min(from + count - index, buf.capacity() / size));
                while (buf.hasRemaining()) {
                    int n = ch.read(buf, position + buf.position());
                    if (n < 0) {
                        // The file shrank since countRecords: still a truncated file, named by its first lost record.
                        throw new InvalidInputException(
                                "%s: truncated while reading: record %d is incomplete", file,
                                index + buf.position() / size);
                    }
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    out.add(record(file, format, coarse, index, buf));
                    index++;
                }
                position += buf.limit();
            }
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(e, "%s: no such file", file);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file + " failed", e);
        }
        return out;
    }

    private static Record record(Path file, Format format, boolean coarse, int index, ByteBuffer buf) {
        int label;
        if (format.labelBytes == 1) {
            label = checkLabel(file, index, "label", buf.get() & 0xff, format.fineClasses);
        } else {
            int coarseLabel = checkLabel(file, index, "coarse label", buf.get() & 0xff, format.coarseClasses);
            int fineLabel = checkLabel(file, index, "fine label", buf.get() & 0xff, format.fineClasses);
            label = coarse ? coarseLabel : fineLabel;
        }
        byte[] pixels = new byte[PIXELS];
        buf.get(pixels);
        return new Record(index, label, pixels);
    }

    private static int checkLabel(Path file, int index, String what, int value, int classes) {
        if (value >= classes) {
            throw new InvalidInputException(
                    "%s: record %d has %s %d, expected 0..%d (%d classes); is this the right dataset and version?",
                    file, index, what, value, classes - 1, classes);
        }
        return value;
    }
}
