package io.sdclr.steps.report;

import io.sdclr.steps.avro.PieExample;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import javax.imageio.ImageIO;

/**
 * PNG encoding of the report's example images ({@link PieExample}: uint8, CHW; 1 channel grayscale, 3 RGB), for
 * {@code <img src="data:image/png;base64,...">} in {@code report.html}.
 *
 * <pre>{@code
 * String src = PngImages.dataUri(example);
 * int shown = PngImages.displaySize(28, 28);   // 56: small images are upscaled (pixelated)
 * }</pre>
 */
final class PngImages {

    /** Small images are shown at an integer multiple of their size of at least this many pixels. */
    private static final int MIN_SHOWN = 56;

    /** Larger images (ImageNet) are shown at most this many pixels wide or high. */
    private static final int MAX_SHOWN = 112;

    private PngImages() {}

    /** The example as a PNG file. */
    static byte[] png(PieExample e) {
        int c = e.getChannels();
        int h = e.getHeight();
        int w = e.getWidth();
        if ((c != 1 && c != 3) || h <= 0 || w <= 0) {
            throw new IllegalArgumentException("example " + e.getId() + " is " + c + "x" + h + "x" + w
                    + ", expected 1 or 3 channels and a positive size");
        }
        ByteBuffer buf = e.getPixels().duplicate();
        if (buf.remaining() != c * h * w) {
            throw new IllegalArgumentException("example " + e.getId() + " has " + buf.remaining() + " pixel bytes,"
                    + " expected " + (c * h * w) + " (" + c + "x" + h + "x" + w + ", CHW)");
        }
        byte[] px = new byte[buf.remaining()];
        buf.get(px);
        BufferedImage img = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (c == 1) {
                    img.getRaster().setSample(x, y, 0, px[i] & 0xff);
                } else {
                    img.setRGB(x, y, (px[i] & 0xff) << 16 | (px[plane + i] & 0xff) << 8 | (px[2 * plane + i] & 0xff));
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer in this JDK");
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot encode example " + e.getId() + " as PNG", ex);
        }
        return out.toByteArray();
    }

    /** The example as a {@code data:} URI. */
    static String dataUri(PieExample e) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png(e));
    }

    /** Shown size of a side of {@code size} pixels: small ones scaled up by an integer, large ones down. */
    static int displaySize(int size, int longerSide) {
        if (longerSide > MAX_SHOWN) {
            return Math.max(1, size * MAX_SHOWN / longerSide);
        }
        int scale = Math.max(1, (MIN_SHOWN + longerSide - 1) / longerSide);
        return size * scale;
    }
}
