package io.sdclr.steps.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small CIFAR binary files with known bytes for tests. */
final class CifarFiles {
    private CifarFiles() {}

    /** Pixel {@code i} of record {@code r} of the file numbered {@code file}: a pattern distinct per file and record. */
    static byte pixel(int file, int r, int i) {
        return (byte) (i * 31 + r * 7 + file * 101 + (i >> 8));
    }

    static byte[] pixels(int file, int r) {
        byte[] p = new byte[CifarBinary.PIXELS];
        for (int i = 0; i < p.length; i++) {
            p[i] = pixel(file, r, i);
        }
        return p;
    }

    /** Label of record {@code r} of file {@code file} in a dataset of {@code classes} classes. */
    static int label(int file, int r, int classes) {
        return (file * 3 + r * 7) % classes;
    }

    /** CIFAR-100 coarse label consistent with nothing in particular, but in range: fine % 20. */
    static int coarse(int fine) {
        return fine % 20;
    }

    /** A CIFAR-10 file (number {@code file}) of {@code n} records: label byte then 3072 pixel bytes. */
    static Path cifar10(Path path, int file, int n) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int r = 0; r < n; r++) {
            out.write(label(file, r, 10));
            out.write(pixels(file, r));
        }
        Files.createDirectories(path.getParent());
        return Files.write(path, out.toByteArray());
    }

    /** A CIFAR-100 file (number {@code file}) of {@code n} records: coarse, fine, 3072 pixel bytes. */
    static Path cifar100(Path path, int file, int n) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int r = 0; r < n; r++) {
            int fine = label(file, r, 100);
            out.write(coarse(fine));
            out.write(fine);
            out.write(pixels(file, r));
        }
        Files.createDirectories(path.getParent());
        return Files.write(path, out.toByteArray());
    }

    /** Record counts of the CIFAR-10 files used by the tests: five training batches and the test batch. */
    static final int[] CIFAR10_COUNTS = {3, 2, 4, 1, 2, 3};

    /** The six CIFAR-10 files in {@code dir}: file k (0..4) is data_batch_(k+1), file 5 is test_batch. */
    static void cifar10Set(Path dir) throws IOException {
        for (int k = 0; k < 5; k++) {
            cifar10(dir.resolve("data_batch_" + (k + 1) + ".bin"), k, CIFAR10_COUNTS[k]);
        }
        cifar10(dir.resolve("test_batch.bin"), 5, CIFAR10_COUNTS[5]);
    }

    /** CIFAR-100 train.bin (file 0, {@code train} records) and test.bin (file 1, {@code test} records). */
    static void cifar100Set(Path dir, int train, int test) throws IOException {
        cifar100(dir.resolve("train.bin"), 0, train);
        cifar100(dir.resolve("test.bin"), 1, test);
    }
}
