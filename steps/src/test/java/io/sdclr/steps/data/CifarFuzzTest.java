package io.sdclr.steps.data;

import io.sdclr.steps.data.CifarBinary.Format;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the CIFAR binary reader: 160 mutations each of a CIFAR-10 and a CIFAR-100 batch of 3 records,
 * read as {@link ReadCifar} reads a batch ({@link CifarBinary#countRecords}, then {@link CifarBinary#read} of every
 * record, fine and coarse labels for CIFAR-100). Each must be rejected naming the file or read exactly as
 * {@link #reference} (the format: a whole number of records, label bytes in range) reads the bytes.
 *
 * <p>The format has no header or count: a batch cut (or grown) by whole records, or with records swapped, is a
 * valid batch of other records, and is read as one.
 */
class CifarFuzzTest {
    private static final long SEED = 11;

    @TempDir Path tmp;

    @Test
    void everyMutatedCifarBatchIsRejectedNamingItOrReadExactly() throws IOException {
        Mutator mutator = new Mutator(SEED);
        FuzzOracle oracle = new FuzzOracle("CIFAR binary");
        for (Format format : Format.values()) {
            Path original = format == Format.CIFAR10 ? CifarFiles.cifar10(tmp.resolve("c10/data_batch_1.bin"), 0, 3)
                    : CifarFiles.cifar100(tmp.resolve("c100/train.bin"), 0, 3);
            byte[] bytes = Files.readAllBytes(original);
            for (Mutator.Mutation m : mutator.mutations(bytes, structure(bytes, format), 160)) {
                Path file = Files.write(Files.createDirectories(tmp.resolve("case-" + m.index()))
                        .resolve(original.getFileName()), m.bytes());
                oracle.check(m, format.title() + " batch", file, reference(m.bytes(), format),
                        () -> read(file, format));
            }
        }
        oracle.assertPassed();
    }

    /** One record as read: index, label (fine, then coarse for CIFAR-100) and pixels in hex. */
    record Read(int index, List<Integer> labels, String pixels) {
        @Override
        public String toString() {
            return "record " + index + " labels " + labels + " pixels#" + pixels.hashCode();
        }
    }

    private static List<Read> read(Path file, Format format) {
        int n = CifarBinary.countRecords(file, format);
        List<CifarBinary.Record> fine = CifarBinary.read(file, format, false, 0, n);
        List<CifarBinary.Record> coarse = format == Format.CIFAR100 ? CifarBinary.read(file, format, true, 0, n) : fine;
        List<Read> out = new ArrayList<>();
        for (int i = 0; i < fine.size(); i++) {
            CifarBinary.Record r = fine.get(i);
            List<Integer> labels = format == Format.CIFAR100 ? List.of(r.label(), coarse.get(i).label())
                    : List.of(r.label());
            out.add(new Read(r.index(), labels, HexFormat.of().formatHex(r.pixels())));
        }
        return out;
    }

    /**
     * The binary version as https://www.cs.toronto.edu/~kriz/cifar.html describes it: records of 1 label byte
     * (CIFAR-10, 10 classes) or a coarse (20) and a fine (100) label byte (CIFAR-100), then 3072 pixel bytes; a
     * batch holds at least one.
     */
    private static Expected<List<Read>> reference(byte[] b, Format format) {
        int labelBytes = format == Format.CIFAR10 ? 1 : 2;
        int size = labelBytes + 3072;
        if (b.length == 0 || b.length % size != 0) {
            return Expected.invalid(b.length + " bytes is not a whole number of " + size + "-byte records");
        }
        List<Read> out = new ArrayList<>();
        for (int r = 0; r < b.length / size; r++) {
            int at = r * size;
            int first = b[at] & 0xff;
            if (format == Format.CIFAR10) {
                if (first >= 10) {
                    return Expected.invalid("record " + r + " label " + first);
                }
                out.add(new Read(r, List.of(first), HexFormat.of().formatHex(b, at + 1, at + size)));
            } else {
                int fine = b[at + 1] & 0xff;
                if (first >= 20 || fine >= 100) {
                    return Expected.invalid("record " + r + " labels " + first + ", " + fine);
                }
                out.add(new Read(r, List.of(fine, first), HexFormat.of().formatHex(b, at + 2, at + size)));
            }
        }
        return Expected.valid(out);
    }

    /** Records as the structure; the label bytes of the first two records as fields; record-level edits. */
    private static Mutator.Structure structure(byte[] bytes, Format format) {
        int size = format.recordSize();
        List<Mutator.Field> fields = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            if (format == Format.CIFAR10) {
                fields.add(new Mutator.Field("record " + r + " label", r * size, 1, false));
            } else {
                fields.add(new Mutator.Field("record " + r + " coarse label", r * size, 1, false));
                fields.add(new Mutator.Field("record " + r + " fine label", r * size + 1, 1, false));
            }
        }
        List<Mutator.Edit> edits = List.of(
                new Mutator.Edit("records 0 and 2 swapped", b -> {
                    byte[] first = Arrays.copyOfRange(b, 0, size);
                    System.arraycopy(b, 2 * size, b, 0, size);
                    System.arraycopy(first, 0, b, 2 * size, size);
                    return b;
                }),
                new Mutator.Edit("record 1 deleted", b -> Mutator.concat(Arrays.copyOf(b, size),
                        Arrays.copyOfRange(b, 2 * size, b.length))),
                new Mutator.Edit("the last label byte removed", b -> Mutator.concat(Arrays.copyOf(b,
                        2 * size), Arrays.copyOfRange(b, 2 * size + 1, b.length))),
                new Mutator.Edit("every label byte set to 255", b -> {
                    for (int at = 0; at < b.length; at += size) {
                        b[at] = (byte) 255;
                    }
                    return b;
                }),
                new Mutator.Edit("emptied", b -> new byte[0]));
        return Mutator.Structure.records(0, size, bytes.length, fields, edits);
    }
}
