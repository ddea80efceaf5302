import java.io.*;
import java.nio.file.*;
import java.util.zip.*;

/**
 * Writes the GPU check's Fashion-MNIST-LT sample: the first floor(nMax * imbalance^(-c/9)) training images of
 * each class c (exponential profile, as the paper's long-tailed subsets), as two gzipped IDX files.
 * Usage: java MakeSample.java FASHION_MNIST_DIR OUT_DIR [nMax=4000] [imbalance=100]
 */
public class MakeSample {
    public static void main(String[] args) throws IOException {
        Path src = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int nMax = args.length > 2 ? Integer.parseInt(args[2]) : 4000;
        double imbalance = args.length > 3 ? Double.parseDouble(args[3]) : 100;
        byte[] images = gunzip(src.resolve("train-images-idx3-ubyte.gz"));
        byte[] labels = gunzip(src.resolve("train-labels-idx1-ubyte.gz"));
        int n = readInt(labels, 4);
        int rows = readInt(images, 8);
        int cols = readInt(images, 12);
        int pixels = rows * cols;
        if (readInt(images, 0) != 0x803 || readInt(labels, 0) != 0x801 || readInt(images, 4) != n
                || images.length != 16 + (long) n * pixels || labels.length != 8 + n) {
            throw new IOException("not a Fashion-MNIST training set: " + src);
        }
        int[] quota = new int[10];
        for (int c = 0; c < 10; c++) {
            quota[c] = (int) Math.floor(nMax * Math.pow(imbalance, -c / 9.0));
        }
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        ByteArrayOutputStream lab = new ByteArrayOutputStream();
        int kept = 0;
        for (int i = 0; i < n; i++) {
            int c = labels[8 + i];
            if (quota[c] > 0) {
                quota[c]--;
                img.write(images, 16 + i * pixels, pixels);
                lab.write(c);
                kept++;
            }
        }
        Files.createDirectories(out);
        write(out.resolve("train-images-idx3-ubyte.gz"), new int[] {0x803, kept, rows, cols}, img.toByteArray());
        write(out.resolve("train-labels-idx1-ubyte.gz"), new int[] {0x801, kept}, lab.toByteArray());
        System.out.println("sample: " + kept + " images of " + rows + "x" + cols + " in " + out);
    }

    private static byte[] gunzip(Path p) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return in.readAllBytes();
        }
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    private static void write(Path p, int[] header, byte[] data) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(p)))) {
            for (int h : header) {
                out.writeInt(h);
            }
            out.write(data);
        }
    }
}
