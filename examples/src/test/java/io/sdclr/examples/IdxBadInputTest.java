package io.sdclr.examples;

import static com.google.common.truth.Truth.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, items 1-3, through the real CLI: IDX files whose header does not match their data, an empty training
 * set, and damage past the rows a run reads all stop the run with exit code 2 before any artifact is committed.
 */
class IdxBadInputTest {
    private static final int SIDE = 28;

    @TempDir Path tmp;

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

    private static void gz(Path file, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
    }

    /**
     * A Fashion-MNIST-layout directory with {@code train} and {@code test} images of 28 x 28, the training images'
     * header declaring {@code trainRows} rows and their file ending in {@code trailing} extra bytes.
     */
    private Path dataset(String name, int train, int test, int trainRows, int trailing) throws IOException {
        return dataset(name, train, test, trainRows, trailing, 10);
    }

    /** As above, the training labels cycling through classes 0..trainClasses-1 only. */
    private Path dataset(String name, int train, int test, int trainRows, int trailing, int trainClasses)
            throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        byte[] trainPixels = new byte[train * SIDE * SIDE + trailing];
        for (int i = 0; i < trainPixels.length; i++) {
            trainPixels[i] = (byte) (i * 31 + i / 97);
        }
        byte[] trainLabels = new byte[train];
        for (int i = 0; i < train; i++) {
            trainLabels[i] = (byte) (i % trainClasses);
        }
        byte[] testLabels = new byte[test];
        for (int i = 0; i < test; i++) {
            testLabels[i] = (byte) (i % 10);
        }
        gz(dir.resolve("train-images-idx3-ubyte.gz"), idx(new int[] {train, trainRows, SIDE}, trainPixels));
        gz(dir.resolve("train-labels-idx1-ubyte.gz"), idx(new int[] {train}, trainLabels));
        gz(dir.resolve("t10k-images-idx3-ubyte.gz"), idx(new int[] {test, SIDE, SIDE}, new byte[test * SIDE * SIDE]));
        gz(dir.resolve("t10k-labels-idx1-ubyte.gz"), idx(new int[] {test}, testLabels));
        return dir;
    }

    /** Runs smoke on {@code data}: exit 2, one error line naming the training images file, nothing committed. */
    private void assertRejected(Path data, String message) throws IOException {
        Path store = tmp.resolve("store-" + data.getFileName());
        Cli.Result r = Cli.run("run", "smoke", "--store", store.toString(), "--out",
                tmp.resolve("out-" + data.getFileName()).toString(), "--device", "cpu", "--set", "data.dir=" + data);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("error: " + data.resolve("train-images-idx3-ubyte.gz") + ": " + message);
        assertThat(r.err()).doesNotContain("\tat ");
        Path artifacts = store.resolve("artifacts");
        if (Files.isDirectory(artifacts)) {
            try (Stream<Path> s = Files.list(artifacts)) {
                assertThat(s.toList()).isEmpty();
            }
        }
    }

    @Test
    void headerDeclaringTheWrongRowCountIsRejectedBeforeAnythingIsCommitted() throws IOException {
        assertRejected(dataset("rows27", 40, 10, 27, 0), "the header declares 40 records of 756 bytes (27x28)");
    }

    @Test
    void emptyTrainingSetIsRejectedBeforeAnythingIsCommitted() throws IOException {
        assertRejected(dataset("empty", 0, 10, SIDE, 0), "the header declares 0 records; expected at least one");
    }

    /** smoke reads 3,000 training images at most: trailing bytes after image 4,000 are found all the same. */
    @Test
    void damagePastTheRowsARunReadsIsFound() throws IOException {
        assertRejected(dataset("trailing", 4000, 10, SIDE, 5), "the header declares 4000 records of 784 bytes (28x28)");
    }

    /**
     * Issue 11, item 2: a training set lacking a class passes the data step (its images are fine) but the subset
     * step refuses it, naming the class and what to check, before anything of its own or later is written.
     */
    @Test
    void aTrainingSetWithoutOneClassIsRefusedBeforeTheSubsetIsWritten() throws IOException {
        Path data = dataset("nine-classes", 3000, 10, SIDE, 0, 9);
        Path store = tmp.resolve("store-nine");
        Cli.Result r = Cli.run("run", "smoke", "--store", store.toString(), "--out", tmp.resolve("out-nine").toString(),
                "--device", "cpu", "--set", "data.dir=" + data);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("error: training set: no image of class 9 among its 3000 images; expected every"
                + " class 0..9, since D_i needs at least one image of each: check that data.dir holds the whole"
                + " dataset, and raise data.trainLimit if it is set (the first N images may leave a class out)\n");
        assertThat(r.err()).doesNotContain("\tat ");
        // Only the data step's artifact (valid images) is committed: no subset, no half-written output, no scratch.
        assertThat(names(store.resolve("keys"))).hasSize(1);
        assertThat(names(store.resolve("artifacts"))).hasSize(1);
        assertThat(names(store.resolve("staging"))).isEmpty();
        assertThat(names(store.resolve("work"))).isEmpty();
        assertThat(Files.exists(store.resolve("steps/smoke/subset.json"))).isFalse();
    }

    private static java.util.List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
