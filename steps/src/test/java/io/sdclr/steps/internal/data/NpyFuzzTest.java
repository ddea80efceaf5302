package io.sdclr.steps.internal.data;

import io.sdclr.steps.data.FuzzOracle;
import io.sdclr.steps.data.Mutator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the {@code .npy} reader: 447 mutations of index arrays in eight integer dtypes across format
 * versions 1.0, 2.0 and 3.0. {@link NpyFile#readIndices} must reject each naming the file or return exactly the
 * indices {@link NpyReference} reads in the bytes.
 */
class NpyFuzzTest {
    private static final long SEED = 11;
    private static final long[] INDICES = {5, 0, 17, 3, 99, 42, 120};

    @TempDir Path tmp;

    @Test
    void everyMutatedNpyFileIsRejectedNamingItOrReadExactly() throws IOException {
        Mutator mutator = new Mutator(SEED);
        FuzzOracle oracle = new FuzzOracle(".npy");
        List<Object[]> variants = List.of(new Object[] {1, "<i8"}, new Object[] {1, "|u1"},
                new Object[] {1, ">i2"}, new Object[] {2, "<u4"}, new Object[] {3, ">i8"}, new Object[] {2, "|i1"},
                new Object[] {3, "<u2"}, new Object[] {1, ">u8"});
        for (Object[] v : variants) {
            byte[] original = NpyReference.encode((int) v[0], (String) v[1], INDICES);
            NpyReference.Meaning meaning = NpyReference.meaning(original);
            for (Mutator.Mutation m : mutator.mutations(original, NpyReference.structure(original, List.of()), 50)) {
                Path file = Files.write(tmp.resolve("case-" + m.index() + ".npy"), m.bytes());
                oracle.check(m, "NpyFile.readIndices (" + v[1] + ", version " + v[0] + ")", file,
                        NpyReference.read(m.bytes(), meaning),
                        () -> Arrays.stream(NpyFile.readIndices(file)).boxed().toList());
            }
        }
        oracle.assertPassed();
    }
}
