package io.sdclr.steps.data;

/**
 * torchvision's {@code Resize(size)} + {@code CenterCrop(size)} on 8-bit planar images: the shorter side becomes
 * {@code size}, the longer {@code int(size * long / short)}; the crop starts at {@code round((side - size) / 2)}
 * with Python's round-half-to-even.
 *
 * <pre>{@code
 * ImageDecoder.Pixels out = Resampler.shorterSideThenCentreCrop(decoded, 224);
 * }</pre>
 *
 * <p>The filter is PIL's {@code BILINEAR} (torchvision's default): a triangle kernel widened by the scale factor
 * when shrinking, so every source pixel contributes (antialiasing), with PIL's window and coefficient
 * computation ({@code precompute_coeffs} in libImaging/Resample.c). Rows first, then columns, in double
 * precision, rounded to the nearest byte once at the end (PIL rounds after each pass, so its output may differ
 * by 1). Only the pixels inside the crop are computed; the result equals resizing then cropping. Plain Java
 * arithmetic on one thread per image: the same bytes on every run, machine and thread count.
 */
final class Resampler {
    private Resampler() {}

    /** Source window and normalized weights of each output pixel along one axis. */
    private record Coefficients(int[] start, double[][] weights) {}

    static ImageDecoder.Pixels shorterSideThenCentreCrop(ImageDecoder.Pixels in, int size) {
        int h = in.height();
        int w = in.width();
        int outH;
        int outW;
        if (w <= h) {
            outW = size;
            outH = (int) ((double) size * h / w);
        } else {
            outH = size;
            outW = (int) ((double) size * w / h);
        }
        int top = (int) Math.rint((outH - size) / 2.0);
        int left = (int) Math.rint((outW - size) / 2.0);
        Coefficients cols = coefficients(w, outW, left, size);
        Coefficients rows = coefficients(h, outH, top, size);
        // Source rows any output row reads.
        int firstRow = rows.start()[0];
        int lastRow = rows.start()[size - 1] + rows.weights()[size - 1].length;
        int needed = lastRow - firstRow;
        int c = in.channels();
        byte[] src = in.pixels();
        byte[] out = new byte[c * size * size];
        double[] tmp = new double[needed * size];
        for (int k = 0; k < c; k++) {
            int plane = k * h * w;
            for (int y = 0; y < needed; y++) {
                int srcRow = plane + (firstRow + y) * w;
                for (int x = 0; x < size; x++) {
                    int s = cols.start()[x];
                    double[] wt = cols.weights()[x];
                    double acc = 0;
                    for (int t = 0; t < wt.length; t++) {
                        acc += wt[t] * (src[srcRow + s + t] & 0xff);
                    }
                    tmp[y * size + x] = acc;
                }
            }
            int outPlane = k * size * size;
            for (int y = 0; y < size; y++) {
                int s = rows.start()[y] - firstRow;
                double[] wt = rows.weights()[y];
                for (int x = 0; x < size; x++) {
                    double acc = 0;
                    for (int t = 0; t < wt.length; t++) {
                        acc += wt[t] * tmp[(s + t) * size + x];
                    }
                    out[outPlane + y * size + x] = (byte) clamp(acc);
                }
            }
        }
        return new ImageDecoder.Pixels(c, size, size, out);
    }

    /**
     * PIL's {@code precompute_coeffs} for output pixels {@code [first, first + count)} of an axis resized from
     * {@code inSize} to {@code outSize}, with the bilinear (triangle, support 1) filter.
     */
    private static Coefficients coefficients(int inSize, int outSize, int first, int count) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale;
        int[] start = new int[count];
        double[][] weights = new double[count][];
        for (int i = 0; i < count; i++) {
            double center = (first + i + 0.5) * scale;
            // (int) truncates toward zero, as the C cast does.
            int xmin = Math.max(0, (int) (center - support + 0.5));
            int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
            double[] k = new double[Math.max(0, xmax)];
            double sum = 0;
            for (int x = 0; x < k.length; x++) {
                k[x] = triangle((x + xmin - center + 0.5) / filterScale);
                sum += k[x];
            }
            if (sum != 0) {
                for (int x = 0; x < k.length; x++) {
                    k[x] /= sum;
                }
            }
            start[i] = xmin;
            weights[i] = k;
        }
        return new Coefficients(start, weights);
    }

    private static double triangle(double x) {
        double a = Math.abs(x);
        return a < 1.0 ? 1.0 - a : 0.0;
    }

    private static int clamp(double v) {
        long r = (long) Math.floor(v + 0.5);
        return (int) Math.max(0, Math.min(255, r));
    }
}
