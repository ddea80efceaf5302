package io.sdclr.steps.subset;

import io.sdclr.dsl.InvalidInputException;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.data.Expected;
import io.sdclr.steps.data.FuzzOracle;
import io.sdclr.steps.data.Mutator;
import io.sdclr.steps.internal.data.ImageList;
import io.sdclr.steps.internal.data.ImageListReference;
import io.sdclr.steps.internal.data.NpyReference;
import io.sdclr.steps.internal.subset.SplitRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of split files as {@link SplitFileLoader} (what {@link LoadSplits} runs) reads them: 270
 * mutations of the validation, pool, D_i, D_b and S_b files of one split over a 30-image training set, as
 * {@code .npy} arrays and as {@code .txt} lists resolved through train lists.
 *
 * <p>The rule: a mutated file that {@link NpyReference} / {@link ImageListReference} cannot read must be rejected
 * naming it; one they can read must load exactly as the same content written cleanly loads (the same splits, or a
 * rejection) — so damage never turns into different splits, whatever the loader's own checks catch.
 */
class SplitFilesFuzzTest {
    private static final long SEED = 11;
    private static final int N = 30;
    private static final int C = 3;
    private static final long[] VAL = {5, 0, 4, 1, 3, 2};
    private static final long[] POOL = LongStream.range(6, N).map(i -> N + 5 - i).toArray();
    private static final long[] LONG_TAIL = {21, 7, 6, 8, 13, 9, 18, 10, 12, 15};
    private static final long[] BALANCED = {24, 8, 6, 11, 9, 14, 12, 7, 10, 13};
    private static final long[] FEW_SHOT = {8, 6, 7};

    @TempDir Path tmp;

    private final long[] ids = LongStream.range(0, N).toArray();
    private final int[] labels = LongStream.range(0, N).mapToInt(i -> (int) (i % C)).toArray();

    @Test
    void everyMutatedSplitFileIsRejectedNamingItOrLoadsAsItsContentWrittenCleanly() throws IOException {
        Mutator mutator = new Mutator(SEED);
        FuzzOracle oracle = new FuzzOracle("split file");
        Map<String, byte[]> npy = new LinkedHashMap<>();
        npy.put("val.npy", NpyReference.encode(1, "<i8", VAL));
        npy.put("pool.npy", NpyReference.encode(2, ">u4", POOL));
        npy.put("s1_D_i.npy", NpyReference.encode(1, "<i8", LONG_TAIL));
        npy.put("s1_D_b.npy", NpyReference.encode(3, "<i2", BALANCED));
        npy.put("s1_S_b.npy", NpyReference.encode(1, "|u1", FEW_SHOT));
        for (String name : npy.keySet()) {
            byte[] original = npy.get(name);
            Mutator.Structure generic = NpyReference.structure(original, List.of());
            Mutator.Structure s = new Mutator.Structure(generic.headerEnd(), generic.boundaries(), generic.fields(),
                    npyEdits(original));
            for (Mutator.Mutation m : mutator.mutations(original, s, 30)) {
                fuzz(oracle, m, npy, name, NpyReference.read(m.bytes(), NpyReference.meaning(original))
                        .map(values -> NpyReference.encode(1, "<i8",
                                values.stream().mapToLong(Long::longValue).toArray())));
            }
        }
        Map<String, byte[]> txt = new LinkedHashMap<>();
        txt.put("val.txt", list(VAL));
        txt.put("s1_D_i.txt", list(LONG_TAIL));
        txt.put("s1_D_b.txt", list(BALANCED));
        txt.put("s1_S_b.txt", list(FEW_SHOT));
        for (String name : txt.keySet()) {
            byte[] original = txt.get(name);
            for (Mutator.Mutation m : mutator.mutations(original, Mutator.Structure.lines(original,
                    listEdits(original)), 30)) {
                Path file = tmp.resolve("case-" + m.index()).resolve(name);
                fuzz(oracle, m, txt, name, ImageListReference.read(m.bytes(), file, C).map(SplitFilesFuzzTest::text));
            }
        }
        oracle.assertPassed();
    }

    /**
     * Loads the set {@code files} with {@code name} replaced by the mutation; {@code clean} is what the reference
     * reads in it, written cleanly, to load the same set with for the expectation.
     */
    private void fuzz(FuzzOracle oracle, Mutator.Mutation m, Map<String, byte[]> files, String name,
            Expected<byte[]> clean) throws IOException {
        Map<String, byte[]> mutated = new LinkedHashMap<>(files);
        mutated.put(name, m.bytes());
        Path dir = write(tmp.resolve("case-" + m.index()), mutated);
        Expected<List<LongTailSplit>> expected;
        if (clean instanceof Expected.Valid<byte[]> || clean instanceof Expected.RejectOr<byte[]>) {
            byte[] content = clean instanceof Expected.Valid<byte[]> v ? v.value()
                    : ((Expected.RejectOr<byte[]>) clean).value();
            Map<String, byte[]> rewritten = new LinkedHashMap<>(files);
            rewritten.put(name, content);
            Path cleanDir = write(tmp.resolve("case-" + m.index() + "-clean"), rewritten);
            try {
                List<LongTailSplit> splits = load(cleanDir, files.keySet());
                expected = clean instanceof Expected.Valid<byte[]> ? Expected.valid(splits)
                        : Expected.rejectOr(splits, ((Expected.RejectOr<byte[]>) clean).why());
            } catch (InvalidInputException e) {
                expected = Expected.invalid("written cleanly it is rejected too: " + e.getMessage());
            }
        } else {
            expected = clean.map(b -> List.<LongTailSplit>of());
        }
        oracle.check(m, "SplitFileLoader.load (" + name + ")", dir.resolve(name), expected,
                () -> load(dir, files.keySet()));
    }

    private Path write(Path dir, Map<String, byte[]> files) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getValue());
        }
        if (files.containsKey("val.txt")) {
            Files.write(dir.resolve("train_a.txt"), list(LongStream.range(0, 20).toArray()));
            Files.write(dir.resolve("train_b.txt"), list(LongStream.range(20, N).toArray()));
        }
        return dir;
    }

    private List<LongTailSplit> load(Path dir, Set<String> names) {
        String ext = names.contains("val.npy") ? ".npy" : ".txt";
        SplitFiles files = SplitFiles.validation(dir.resolve("val" + ext))
                .withSplit(dir.resolve("s1_D_i" + ext), dir.resolve("s1_D_b" + ext), dir.resolve("s1_S_b" + ext));
        if (names.contains("pool.npy")) {
            files = files.withPool(dir.resolve("pool.npy"));
        }
        if (ext.equals(".txt")) {
            files = files.withTrainLists(List.of(dir.resolve("train_a.txt"), dir.resolve("train_b.txt")));
        }
        return SplitFileLoader.load(files, ids, labels, C, w -> {}).stream()
                .map(p -> SplitRecords.record(p, "toy")).toList();
    }

    /** The path of training image {@code id} in the train lists. */
    private static String path(long id) {
        return "train/c" + (id % C) + "/img_" + id + ".png";
    }

    private static byte[] list(long... values) {
        StringBuilder sb = new StringBuilder();
        for (long v : values) {
            sb.append(path(v)).append(' ').append(v % C).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Entries written back as a clean list file, each on its own line number (so messages agree). */
    private static byte[] text(List<ImageList.Entry> entries) {
        StringBuilder sb = new StringBuilder();
        int line = 1;
        for (ImageList.Entry e : entries) {
            for (; line < e.line(); line++) {
                sb.append('\n');
            }
            sb.append(e.path()).append(' ').append(e.label()).append('\n');
            line++;
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** What goes wrong in split arrays: an id of the validation set, outside the data, listed twice, one fewer. */
    private static List<Mutator.Edit> npyEdits(byte[] original) {
        NpyReference.Meaning meaning = NpyReference.meaning(original);
        long[] values = ((Expected.Valid<List<Long>>) NpyReference.read(original, meaning)).value().stream()
                .mapToLong(Long::longValue).toArray();
        int major = original[6];
        List<Mutator.Edit> edits = new ArrayList<>();
        for (long id : new long[] {5, 21, 29, N, N + 3, 200, values[values.length - 1]}) {
            long[] changed = values.clone();
            changed[0] = id;
            edits.add(new Mutator.Edit("element 0 set to " + id,
                    b -> NpyReference.encode(major, meaning.descr(), changed)));
        }
        edits.add(new Mutator.Edit("the last element dropped",
                b -> NpyReference.encode(major, meaning.descr(), Arrays.copyOf(values, values.length - 1))));
        edits.add(new Mutator.Edit("id 29 appended",
                b -> NpyReference.encode(major, meaning.descr(), LongStream.concat(Arrays.stream(values),
                        LongStream.of(29)).toArray())));
        edits.add(new Mutator.Edit("emptied (shape (0,))", b -> NpyReference.encode(major, meaning.descr())));
        edits.add(new Mutator.Edit("the same ids as '<i8' in version 1", b -> NpyReference.encode(1, "<i8", values)));
        return edits;
    }

    /** What goes wrong in split lists: a wrong label, an unknown path, a line twice, a validation image. */
    private static List<Mutator.Edit> listEdits(byte[] original) {
        String s = new String(original, StandardCharsets.UTF_8);
        String first = s.substring(0, s.indexOf('\n') + 1);
        String rest = s.substring(first.length());
        String firstPath = first.split(" ")[0];
        int firstLabel = Integer.parseInt(first.strip().split(" ")[1]);
        List<Mutator.Edit> edits = new ArrayList<>();
        for (String line : List.of(firstPath + " " + (firstLabel + 1) % C, "train/c0/none.png 0", path(5) + " 2",
                path(21) + " 0", path(29) + " 2", firstPath + "  " + firstLabel + " \t")) {
            edits.add(edit("line 1 \"" + line + "\"", line + "\n" + rest));
        }
        edits.add(edit("line 1 listed again", s + first));
        edits.add(edit("line 1 deleted", rest));
        edits.add(edit("blank lines before line 1", "\n\n" + s));
        edits.add(edit("CRLF line ends", s.replace("\n", "\r\n")));
        edits.add(edit("label 3 on line 1", firstPath + " 3\n" + rest));
        edits.add(edit("path \"../x.png\" on line 1", "../x.png " + firstLabel + "\n" + rest));
        edits.add(edit("a zero byte in line 1's path", firstPath.replace("img", "i\0g") + " " + firstLabel + "\n"
                + rest));
        edits.add(edit("emptied", ""));
        return edits;
    }

    private static Mutator.Edit edit(String description, String content) {
        return new Mutator.Edit(description, b -> content.getBytes(StandardCharsets.UTF_8));
    }
}
