package io.sdclr.examples;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Small datasets in the real on-disk formats, generated for tests: CIFAR-10 binary batches, NumPy {@code .npy}
 * index files as the official SDCLR splits are, and an image folder with list files (ImageNet-100-LT layout).
 * Images are class-dependent colour patterns plus seeded noise, so a network can learn something from them.
 */
final class TinyDatasets {
    private TinyDatasets() {}

    /** Pixels of one 3×size×size image of class {@code label}, CHW. */
    static byte[] pattern(int label, int size, Random rnd) {
        byte[] px = new byte[3 * size * size];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int base = ((label * 37 + c * 91) % 200) + ((label % 2 == 0 ? x : y) * 40 / size);
                    px[(c * size + y) * size + x] = (byte) Math.min(255, base + rnd.nextInt(16));
                }
            }
        }
        return px;
    }

    /**
     * CIFAR-10 binary files in {@code dir}: {@code data_batch_1..5.bin} with {@code perClassPerBatch} images of
     * each class (class-major within a batch), {@code test_batch.bin} with {@code testPerClass} per class. Training
     * image i (over the five batches in order) has label {@link #cifarTrainLabel}.
     */
    static void cifar10(Path dir, int perClassPerBatch, int testPerClass, long seed) throws IOException {
        Files.createDirectories(dir);
        Random rnd = new Random(seed);
        for (int b = 1; b <= 5; b++) {
            writeCifar(dir.resolve("data_batch_" + b + ".bin"), perClassPerBatch, rnd);
        }
        writeCifar(dir.resolve("test_batch.bin"), testPerClass, rnd);
    }

    static int cifarTrainLabel(int id, int perClassPerBatch) {
        return (id % (10 * perClassPerBatch)) / perClassPerBatch;
    }

    private static void writeCifar(Path file, int perClass, Random rnd) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int label = 0; label < 10; label++) {
                for (int i = 0; i < perClass; i++) {
                    out.write(label);
                    out.write(pattern(label, 32, rnd));
                }
            }
        }
    }

    /** A 1-D little-endian int64 {@code .npy} file (format 1.0), as {@code numpy.save} writes it. */
    static void npy(Path file, long[] values) throws IOException {
        Files.createDirectories(file.getParent());
        String dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (" + values.length + ",), }";
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        String header = dict + " ".repeat(total - unpadded) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total + 8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        for (long v : values) {
            b.putLong(v);
        }
        Files.write(file, b.array());
    }

    /**
     * Writes {@code perClass[c]} PNG images of class c under {@code root/prefix/nCLASS/}, each {@code w×h}, and
     * returns their list lines {@code prefix/nCLASS/NAME.png c}.
     */
    static List<String> pngFolder(Path root, String prefix, int[] perClass, int w, int h, long seed)
            throws IOException {
        Random rnd = new Random(seed);
        List<String> lines = new ArrayList<>();
        for (int c = 0; c < perClass.length; c++) {
            Path dir = root.resolve(prefix).resolve(String.format("n%08d", c));
            Files.createDirectories(dir);
            for (int i = 0; i < perClass[c]; i++) {
                BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int r = (c * 53 + x * 3 + rnd.nextInt(20)) & 0xff;
                        int g = (c * 97 + y * 5 + rnd.nextInt(20)) & 0xff;
                        int bl = (c * 11 + (x + y) * 2 + rnd.nextInt(20)) & 0xff;
                        im.setRGB(x, y, (r << 16) | (g << 8) | bl);
                    }
                }
                String name = String.format("n%08d_%d.png", c, i);
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                ImageIO.write(im, "png", png);
                Files.write(dir.resolve(name), png.toByteArray());
                lines.add(prefix + "/" + String.format("n%08d", c) + "/" + name + " " + c);
            }
        }
        return lines;
    }

    static void lines(Path file, List<String> lines) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
