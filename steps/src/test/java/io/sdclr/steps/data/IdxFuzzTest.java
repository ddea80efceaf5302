package io.sdclr.steps.data;

import io.sdclr.steps.internal.data.IdxFile;
import io.sdclr.steps.internal.data.IdxHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the IDX reader: 317 mutations of small images (3-D and 4-D) and labels files, plain and
 * gzipped. Each mutated file is read as {@link ReadIdx} reads its directory (the checks of its {@code expand}, then
 * what its {@code DecodeChunk} reads) and by each {@link IdxFile} entry point alone; every read must reject the
 * file naming it or return exactly what {@link #parse} (an independent reading of the format) finds in the bytes.
 */
class IdxFuzzTest {
    private static final long SEED = 11;
    private static final int CLASSES = 10;
    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    private static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    @TempDir Path tmp;

    /** A valid training pair and test pair of one geometry ({@code dims} without the count). */
    private record Dataset(int[] geometry, byte[] trainImages, byte[] trainLabels, byte[] testImages,
            byte[] testLabels) {
        static Dataset of(int... geometry) {
            int size = Arrays.stream(geometry).reduce(1, (a, b) -> a * b);
            int n = 6;
            byte[] labels = {3, 0, 9, 1, 7, 2};
            return new Dataset(geometry, idx(count(n, geometry), pattern(n * size, 0)), idx(new int[] {n}, labels),
                    idx(count(2, geometry), pattern(2 * size, 77)), idx(new int[] {2}, new byte[] {1, 8}));
        }

        private static int[] count(int n, int[] geometry) {
            int[] dims = new int[geometry.length + 1];
            dims[0] = n;
            System.arraycopy(geometry, 0, dims, 1, geometry.length);
            return dims;
        }
    }

    /** IDX bytes: magic 0x000008nn, the dimensions, then {@code data}. */
    static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(0x00000800 | dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    private static byte[] pattern(int n, int salt) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 37 + salt + (i >> 3));
        }
        return b;
    }

    @Test
    void everyMutatedIdxFileIsRejectedNamingItOrReadExactly() throws IOException {
        Mutator mutator = new Mutator(SEED);
        FuzzOracle oracle = new FuzzOracle("IDX");
        Dataset grey = Dataset.of(4, 5);
        Dataset rgb = Dataset.of(3, 2, 3);
        fuzz(oracle, grey, true, false, mutator.mutations(grey.trainImages(), structure(grey.trainImages(), true), 70));
        fuzz(oracle, grey, true, true,
                mutator.gzipMutations(grey.trainImages(), structure(grey.trainImages(), true), 70));
        fuzz(oracle, rgb, true, false, mutator.mutations(rgb.trainImages(), structure(rgb.trainImages(), true), 50));
        fuzz(oracle, grey, false, false,
                mutator.mutations(grey.trainLabels(), structure(grey.trainLabels(), false), 60));
        fuzz(oracle, grey, false, true,
                mutator.gzipMutations(grey.trainLabels(), structure(grey.trainLabels(), false), 60));
        oracle.assertPassed();
    }

    /** Reads every mutation of the training images (or labels) file of {@code data} in every way. */
    private void fuzz(FuzzOracle oracle, Dataset data, boolean images, boolean gzip, List<Mutator.Mutation> cases)
            throws IOException {
        for (Mutator.Mutation m : cases) {
            Path dir = Files.createDirectories(tmp.resolve("case-" + m.index()));
            String suffix = gzip ? ".gz" : "";
            Path file = Files.write(dir.resolve((images ? TRAIN_IMAGES : TRAIN_LABELS) + suffix), m.bytes());
            Files.write(dir.resolve(images ? TRAIN_LABELS : TRAIN_IMAGES), images ? data.trainLabels()
                    : data.trainImages());
            Files.write(dir.resolve(TEST_IMAGES), data.testImages());
            Files.write(dir.resolve(TEST_LABELS), data.testLabels());

            byte[] imageBytes = images ? m.bytes() : data.trainImages();
            byte[] labelBytes = images ? data.trainLabels() : m.bytes();
            oracle.check(m, "ReadIdx", file, dataset(imageBytes, labelBytes, data.geometry()), () -> readIdx(dir));

            Parsed whole = parse(m.bytes(), 1, 2, 3, 4);
            oracle.check(m, "IdxFile.readHeader", file, header(m.bytes()),
                    () -> boxed(IdxFile.readHeader(file).dims()));
            oracle.check(m, "IdxFile.checkWholeFile", file,
                    whole.ok() && whole.count() >= 1 ? Expected.valid(whole.dimList())
                            : Expected.<List<Integer>>invalid(whole.ok() ? "no records" : whole.why()),
                    () -> boxed(IdxFile.checkWholeFile(file).dims()));
            if (images) {
                oracle.check(m, "IdxFile.readImages", file, readImagesExpectation(m.bytes()),
                        () -> hex(IdxFile.readImages(file)));
            } else {
                oracle.check(m, "IdxFile.readLabels", file, readLabelsExpectation(m.bytes()),
                        () -> boxed(IdxFile.readLabels(file, CLASSES)));
            }
        }
    }

    /** What ReadIdx reads from {@code dir}: its expand's whole-directory checks, then DecodeChunk's reads. */
    private static IdxData readIdx(Path dir) {
        StepPipelines.apply(Pipeline.create(), ReadIdx.from(dir.toString()), dir);
        Path images = ReadIdx.resolve(dir, TRAIN_IMAGES);
        IdxHeader h = IdxFile.readHeader(images);
        int[] labels = IdxFile.readLabels(ReadIdx.resolve(dir, TRAIN_LABELS), CLASSES);
        return new IdxData(boxed(h.dims()), boxed(labels),
                hex(IdxFile.readImages(images, 0, h.count())));
    }

    /** A training set as ReadIdx reads it: dimensions, labels, and each record's bytes in hex. */
    record IdxData(List<Integer> dims, List<Integer> labels, List<String> records) {
        @Override
        public String toString() {
            return "dims " + dims + ", labels " + labels + ", " + records.size() + " records (hash "
                    + records.hashCode() + ")";
        }
    }

    // ---- The reference: the IDX format as http://yann.lecun.com/exdb/mnist/ describes it, and ReadIdx's rules.

    /** One IDX file's content (decompressed), or why its bytes are not an IDX file of the allowed ranks. */
    record Parsed(String why, int[] dims, byte[] data) {
        boolean ok() {
            return why == null;
        }

        int count() {
            return dims[0];
        }

        int recordSize() {
            int size = 1;
            for (int i = 1; i < dims.length; i++) {
                size *= dims[i];
            }
            return size;
        }

        List<Integer> dimList() {
            return List.of(Arrays.stream(dims).boxed().toArray(Integer[]::new));
        }

        static Parsed bad(String why) {
            return new Parsed(why, null, null);
        }
    }

    /**
     * Parses a whole file: gzip (by its magic) decompressed, a magic 0x000008nn with nn among {@code ranks}, that
     * many non-negative big-endian int32 dimensions, records under 2 GiB, and exactly count × record size bytes of
     * data after the header.
     */
    static Parsed parse(byte[] file, int... ranks) {
        byte[] b = file;
        if (Mutator.isGzip(file)) {
            b = Mutator.gunzip(file);
            if (b == null) {
                return Parsed.bad("corrupt or cut gzip stream");
            }
        }
        Parsed header = parseHeader(b, ranks);
        if (!header.ok()) {
            return header;
        }
        long data = b.length - 4L - 4L * header.dims().length;
        if ((long) header.count() * header.recordSize() != data) {
            return Parsed.bad("the header declares " + (long) header.count() * header.recordSize() + " data bytes, "
                    + data + " follow");
        }
        return new Parsed(null, header.dims(), Arrays.copyOfRange(b, 4 + 4 * header.dims().length, b.length));
    }

    private static Parsed parseHeader(byte[] b, int... ranks) {
        if (b.length < 4) {
            return Parsed.bad("shorter than the magic");
        }
        int rank = b[3];
        if (b[0] != 0 || b[1] != 0 || b[2] != 8 || Arrays.stream(ranks).noneMatch(r -> r == rank)) {
            return Parsed.bad(String.format("magic %02x%02x%02x%02x", b[0], b[1], b[2], b[3]));
        }
        if (b.length < 4 + 4 * rank) {
            return Parsed.bad("the file ends inside the dimensions");
        }
        int[] dims = new int[rank];
        long size = 1;
        ByteBuffer in = ByteBuffer.wrap(b, 4, 4 * rank);
        for (int i = 0; i < rank; i++) {
            dims[i] = in.getInt();
            if (dims[i] < 0) {
                return Parsed.bad("dimension " + i + " is negative");
            }
            size *= i > 0 ? dims[i] : 1;
            if (size > Integer.MAX_VALUE - 16) {
                return Parsed.bad("records of 2 GiB or more");
            }
        }
        return new Parsed(null, dims, null);
    }

    /** ReadIdx's rules on top of the format: an images and a labels file of the same count >= 1, labels < 10. */
    private static Expected<IdxData> dataset(byte[] imageBytes, byte[] labelBytes, int[] geometry) {
        Parsed images = parse(imageBytes, 3, 4);
        Parsed labels = parse(labelBytes, 1);
        if (!images.ok() || !labels.ok()) {
            return Expected.invalid(images.ok() ? "labels: " + labels.why() : "images: " + images.why());
        }
        if (images.count() != labels.count() || images.count() == 0) {
            return Expected.invalid(images.count() + " images, " + labels.count() + " labels");
        }
        if (!Arrays.equals(Arrays.copyOfRange(images.dims(), 1, images.dims().length), geometry)) {
            return Expected.invalid("the training images are not " + Arrays.toString(geometry) + " as the test images");
        }
        List<Integer> labelValues = new ArrayList<>();
        for (byte l : labels.data()) {
            if ((l & 0xff) >= CLASSES) {
                return Expected.invalid("label " + (l & 0xff));
            }
            labelValues.add(l & 0xff);
        }
        return Expected.valid(new IdxData(images.dimList(), labelValues, records(images)));
    }

    /** readHeader reads only the header: exact for a plain file, unchecked where a gzip stream breaks later. */
    private static Expected<List<Integer>> header(byte[] file) {
        byte[] b = Mutator.isGzip(file) ? Mutator.gunzip(file) : file;
        if (b == null) {
            return Expected.unchecked("corrupt gzip stream; the header may still decompress");
        }
        Parsed h = parseHeader(b, 1, 2, 3, 4);
        return h.ok() ? Expected.valid(h.dimList()) : Expected.invalid(h.why());
    }

    /** readImages reads the header and the records, not past them (ReadIdx checks the whole file first). */
    private static Expected<List<String>> readImagesExpectation(byte[] file) {
        byte[] b = Mutator.isGzip(file) ? Mutator.gunzip(file) : file;
        if (b == null) {
            return Expected.unchecked("corrupt gzip stream; the records may still decompress");
        }
        Parsed h = parseHeader(b, 3, 4);
        if (!h.ok()) {
            return Expected.invalid(h.why());
        }
        int start = 4 + 4 * h.dims().length;
        long need = (long) h.count() * h.recordSize();
        if (b.length - start < need) {
            return Expected.invalid("the data holds " + (b.length - start) + " of " + need + " bytes");
        }
        return Expected.valid(records(new Parsed(null, h.dims(), Arrays.copyOfRange(b, start, (int) (start + need)))));
    }

    /** readLabels reads the whole file: exact. */
    private static Expected<List<Integer>> readLabelsExpectation(byte[] file) {
        Parsed p = parse(file, 1);
        if (!p.ok()) {
            return Expected.invalid(p.why());
        }
        List<Integer> out = new ArrayList<>();
        for (byte l : p.data()) {
            if ((l & 0xff) >= CLASSES) {
                return Expected.invalid("label " + (l & 0xff));
            }
            out.add(l & 0xff);
        }
        return Expected.valid(out);
    }

    private static List<String> records(Parsed p) {
        List<String> out = new ArrayList<>();
        int size = p.recordSize();
        for (int i = 0; i < p.count(); i++) {
            out.add(HexFormat.of().formatHex(p.data(), i * size, (i + 1) * size));
        }
        return out;
    }

    private static List<String> hex(byte[][] records) {
        return Arrays.stream(records).map(r -> HexFormat.of().formatHex(r)).toList();
    }

    private static List<Integer> boxed(int[] values) {
        return List.of(Arrays.stream(values).boxed().toArray(Integer[]::new));
    }

    // ---- Where the mutations aim.

    /** Header fields, record boundaries and edits of an images (or labels) file. */
    private static Mutator.Structure structure(byte[] file, boolean images) {
        int rank = file[3];
        int headerEnd = 4 + 4 * rank;
        List<Mutator.Field> fields = new ArrayList<>(List.of(new Mutator.Field("magic", 0, 4, true)));
        String[] names = {"count", "rows", "cols", "channels"};
        for (int i = 0; i < rank; i++) {
            fields.add(new Mutator.Field(images ? names[i] : "count", 4 + 4 * i, 4, true));
        }
        Parsed p = parse(file, rank);
        int recordSize = p.recordSize();
        int count = p.count();
        List<Mutator.Edit> edits = new ArrayList<>();
        for (int magic : new int[] {0x801, 0x802, 0x803, 0x804, 0x903, 0xd03, 0x08030000}) {
            if (magic != (0x800 | rank)) {
                edits.add(new Mutator.Edit(String.format("magic 0x%08x", magic), b -> {
                    ByteBuffer.wrap(b).putInt(0, magic);
                    return b;
                }));
            }
        }
        edits.add(new Mutator.Edit("count - 1 and the last record dropped", b -> {
            ByteBuffer.wrap(b).putInt(4, count - 1);
            return Arrays.copyOf(b, b.length - recordSize);
        }));
        edits.add(new Mutator.Edit("count + 1 and the first record appended again",
                b -> Mutator.concat(ByteBuffer.wrap(b).putInt(4, count + 1).array(),
                        Arrays.copyOfRange(b, headerEnd, headerEnd + recordSize))));
        edits.add(new Mutator.Edit("the data cut off after the header", b -> Arrays.copyOf(b, headerEnd)));
        edits.add(new Mutator.Edit("the header alone, count 0", b -> ByteBuffer.wrap(Arrays.copyOf(b, headerEnd))
                .putInt(4, 0).array()));
        if (images) {
            edits.add(new Mutator.Edit("rows and cols swapped", b -> {
                ByteBuffer h = ByteBuffer.wrap(b);
                int rows = h.getInt(8);
                return h.putInt(8, h.getInt(12)).putInt(12, rows).array();
            }));
            edits.add(new Mutator.Edit("rows 0 and the data dropped", b -> ByteBuffer.wrap(Arrays.copyOf(b, headerEnd))
                    .putInt(8, 0).array()));
        } else {
            for (int value : new int[] {9, 10, 255}) {
                edits.add(new Mutator.Edit("label 2 set to " + value, b -> {
                    b[headerEnd + 2] = (byte) value;
                    return b;
                }));
            }
        }
        return Mutator.Structure.records(headerEnd, recordSize, file.length, fields, edits);
    }
}
