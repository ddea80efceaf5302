package io.sdclr.steps.data;

import io.sdclr.dsl.InvalidInputException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes JPEG and PNG files (and the other formats {@code javax.imageio} reads: BMP, GIF, TIFF) into 8-bit
 * planar pixels, then resizes the shorter side and crops the centre.
 *
 * <pre>{@code
 * ImageDecoder.Pixels rgb = ImageDecoder.decode(Path.of("train/n01440764/n01440764_10026.JPEG"), 3);
 * ImageDecoder.Pixels x = ImageDecoder.resizeAndCrop(rgb, 224);   // 3×224×224, CHW
 * }</pre>
 *
 * <p>Channel conversion follows PIL's {@code Image.convert}, as torchvision's image-folder loader uses it:
 * <ul>
 *   <li>to 3 channels (RGB): grey levels are copied to R, G and B; palette images take their palette colour;
 *       alpha is dropped (not composited);
 *   <li>to 1 channel: grey images keep their levels; colour images become luma
 *       {@code L = (19595 R + 38470 G + 7471 B + 32768) >> 16}, i.e. ITU-R BT.601 0.299/0.587/0.114 rounded.
 * </ul>
 * Grey samples are taken as stored (no gamma conversion, unlike {@code BufferedImage.getRGB}); 16-bit samples
 * are scaled to 8 bits with rounding ({@code round(v * 255 / 65535)}); colour spaces other than sRGB are
 * converted to sRGB by Java2D. EXIF orientation is ignored, as PIL does by default.
 *
 * <p>Every bad file is an {@link InvalidInputException} whose message starts with the file: missing, empty,
 * not an image format ImageIO knows, corrupt or truncated (a JPEG that ends before its last scan, which libjpeg
 * would otherwise fill with grey and only warn about), or zero width/height.
 */
final class ImageDecoder {

    /**
     * Decoded 8-bit pixels.
     *
     * @param pixels {@code channels * height * width} bytes, CHW (planar), row-major
     */
    public record Pixels(int channels, int height, int width, byte[] pixels) {
        public Pixels {
            if (pixels.length != channels * height * width) {
                throw new IllegalArgumentException(String.format(
                        "%d bytes for %d×%d×%d pixels", pixels.length, channels, height, width));
            }
        }
    }

    /** How javax.imageio's PNG and JPEG readers reject a width or height of 0. */
    private static final Pattern ZERO_SIZE = Pattern.compile("(?i)(width|height) <= 0|empty jpeg image");

    private ImageDecoder() {}

    /** Reads and decodes {@code file} into {@code channels} (1 or 3) planes at its own size. */
    public static Pixels decode(Path file, int channels) {
        checkChannels(channels);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(e, "%s: no such image file", file);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file + " failed", e);
        }
        return decode(file, bytes, channels);
    }

    /** Decodes the bytes of an image file; {@code file} only names it in messages. */
    public static Pixels decode(Path file, byte[] bytes, int channels) {
        checkChannels(channels);
        if (bytes.length == 0) {
            throw new InvalidInputException("%s: empty file (0 bytes), expected a JPEG or PNG image", file);
        }
        BufferedImage image;
        String format;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new InvalidInputException(
                        "%s: not a JPEG or PNG image: javax.imageio recognizes no image format in it (%d bytes,"
                                + " starting %s)",
                        file, bytes.length, leadingBytes(bytes));
            }
            ImageReader reader = readers.next();
            format = reader.getFormatName().toUpperCase(java.util.Locale.ROOT);
            String[] truncation = new String[1];
            try {
                reader.setInput(in, true, true);
                // libjpeg reports a file that ends early as a warning and fills the rest with grey: make it an error.
                reader.addIIOReadWarningListener((source, warning) -> {
                    if (truncation[0] == null && warning.startsWith("Truncated File")) {
                        truncation[0] = warning;
                    }
                });
                checkNotEmpty(file, format, reader);
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
            if (truncation[0] != null) {
                throw new InvalidInputException("%s: truncated %s image (%s); the file is incomplete", file, format,
                        truncation[0]);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException bad) {
                throw bad;
            }
            String hint = String.valueOf(e.getMessage()).contains("Unsupported Image Type")
                    ? " (a CMYK or YCCK JPEG? javax.imageio reads grey and RGB JPEGs only; convert it to RGB, e.g."
                            + " with ImageMagick: convert FILE -colorspace sRGB FILE)"
                    : "";
            throw new InvalidInputException(e, "%s: cannot decode it as an image: %s%s", file, describe(e), hint);
        }
        if (image == null) {
            throw new InvalidInputException("%s: cannot decode it as %s: javax.imageio returned no image", file,
                    format);
        }
        if (image.getWidth() <= 0 || image.getHeight() <= 0) {
            throw new InvalidInputException("%s: zero-size %s image (%d×%d pixels)", file, format, image.getWidth(),
                    image.getHeight());
        }
        return new Pixels(channels, image.getHeight(), image.getWidth(), planes(image, channels));
    }

    /**
     * Resizes so the shorter side is {@code size} (the longer side scaled in proportion, truncated as torchvision
     * does), then crops the centre {@code size×size}; see {@link Resampler} for the filter.
     */
    public static Pixels resizeAndCrop(Pixels in, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be > 0, was " + size);
        }
        return Resampler.shorterSideThenCentreCrop(in, size);
    }

    /** A header that declares no pixels is a zero-size image, however the reader words its complaint. */
    private static void checkNotEmpty(Path file, String format, ImageReader reader) throws IOException {
        int w;
        int h;
        try {
            w = reader.getWidth(0);
            h = reader.getHeight(0);
        } catch (IOException e) {
            String why = describe(e);
            if (ZERO_SIZE.matcher(why).find()) {
                throw new InvalidInputException(e, "%s: zero-size %s image: its header declares no pixels (%s)",
                        file, format, why);
            }
            throw e;
        }
        if (w <= 0 || h <= 0) {
            throw new InvalidInputException("%s: zero-size %s image (%d×%d pixels)", file, format, w, h);
        }
    }

    private static void checkChannels(int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, was " + channels);
        }
    }

    /** The image as {@code channels} planes of 8-bit samples. */
    static byte[] planes(BufferedImage image, int channels) {
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        byte[] out = new byte[channels * plane];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int[] r = new int[w];
        int[] g = new int[w];
        int[] b = new int[w];
        ColorSpace cs = cm.getColorSpace();
        boolean plain = (cm instanceof ComponentColorModel || cm instanceof DirectColorModel)
                && !cm.isAlphaPremultiplied();
        for (int y = 0; y < h; y++) {
            int row = y * w;
            if (cm instanceof IndexColorModel icm) {
                raster.getSamples(0, y, w, 1, 0, r);
                for (int x = 0; x < w; x++) {
                    int argb = icm.getRGB(r[x]);
                    put(out, channels, plane, row + x, (argb >> 16) & 0xff, (argb >> 8) & 0xff, argb & 0xff);
                }
            } else if (plain && cs.getType() == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1) {
                // Grey levels as stored, like PIL; getRGB would convert them from linear grey and brighten them.
                raster.getSamples(0, y, w, 1, 0, r);
                int bits = cm.getComponentSize(0);
                for (int x = 0; x < w; x++) {
                    int v = to8(r[x], bits);
                    out[row + x] = (byte) v;
                    if (channels == 3) {
                        out[plane + row + x] = (byte) v;
                        out[2 * plane + row + x] = (byte) v;
                    }
                }
            } else if (plain && cs.isCS_sRGB() && cm.getNumColorComponents() == 3) {
                raster.getSamples(0, y, w, 1, 0, r);
                raster.getSamples(0, y, w, 1, 1, g);
                raster.getSamples(0, y, w, 1, 2, b);
                int br = cm.getComponentSize(0);
                int bg = cm.getComponentSize(1);
                int bb = cm.getComponentSize(2);
                for (int x = 0; x < w; x++) {
                    put(out, channels, plane, row + x, to8(r[x], br), to8(g[x], bg), to8(b[x], bb));
                }
            } else {
                // Any other colour space (ICC-tagged RGB, linear RGB, ...): Java2D converts to sRGB.
                image.getRGB(0, y, w, 1, r, 0, w);
                for (int x = 0; x < w; x++) {
                    int argb = r[x];
                    put(out, channels, plane, row + x, (argb >> 16) & 0xff, (argb >> 8) & 0xff, argb & 0xff);
                }
            }
        }
        return out;
    }

    private static void put(byte[] out, int channels, int plane, int at, int r, int g, int b) {
        if (channels == 3) {
            out[at] = (byte) r;
            out[plane + at] = (byte) g;
            out[2 * plane + at] = (byte) b;
        } else {
            out[at] = (byte) luma(r, g, b);
        }
    }

    /** PIL's RGB to L conversion (ITU-R BT.601 weights in 16-bit fixed point, rounded). */
    static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    private static int to8(int v, int bits) {
        if (bits == 8) {
            return v;
        }
        long max = (1L << bits) - 1;
        return (int) ((v * 255L * 2 + max) / (2 * max));   // round(v * 255 / max), exact in integers
    }

    private static String leadingBytes(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            sb.append(String.format("%02x", bytes[i] & 0xff));
            if (i < Math.min(8, bytes.length) - 1) {
                sb.append(' ');
            }
        }
        return sb.toString();
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
                sb.append(": ").append(c.getMessage());
            }
        }
        return sb.toString();
    }
}
