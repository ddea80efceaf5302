package io.sdclr.steps.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/** Writes small PNG and JPEG files with ImageIO for tests, from planar (CHW) RGB pixels. */
final class ImageFiles {
    private ImageFiles() {}

    /** Random RGB pixels, CHW. */
    static byte[] noise(int h, int w, long seed) {
        byte[] chw = new byte[3 * h * w];
        new Random(seed).nextBytes(chw);
        return chw;
    }

    /** An RGB image whose channel {@code c} at (y, x) is {@code f.at(c, y, x)}, CHW. */
    static byte[] rgb(int h, int w, PixelFunction f) {
        byte[] chw = new byte[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    chw[(c * h + y) * w + x] = (byte) f.at(c, y, x);
                }
            }
        }
        return chw;
    }

    interface PixelFunction {
        int at(int c, int y, int x);
    }

    static BufferedImage toImage(byte[] chw, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                img.setRGB(x, y, (chw[i] & 0xff) << 16 | (chw[plane + i] & 0xff) << 8 | (chw[2 * plane + i] & 0xff));
            }
        }
        return img;
    }

    static Path write(BufferedImage img, String format, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!ImageIO.write(img, format, file.toFile())) {
            throw new IllegalStateException("no ImageIO writer for " + format + " and image type " + img.getType());
        }
        return file;
    }

    static Path png(byte[] chw, int h, int w, Path file) throws IOException {
        return write(toImage(chw, h, w), "png", file);
    }

    static Path jpeg(byte[] chw, int h, int w, Path file) throws IOException {
        return write(toImage(chw, h, w), "jpg", file);
    }

    /** Pixels of rows [top, top + size) and columns [left, left + size) of a CHW image. */
    static byte[] crop(byte[] chw, int c, int h, int w, int top, int left, int size) {
        byte[] out = new byte[c * size * size];
        for (int k = 0; k < c; k++) {
            for (int y = 0; y < size; y++) {
                System.arraycopy(chw, (k * h + top + y) * w + left, out, (k * size + y) * size, size);
            }
        }
        return out;
    }
}
