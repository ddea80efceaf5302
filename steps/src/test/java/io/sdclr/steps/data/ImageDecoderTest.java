package io.sdclr.steps.data;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.dsl.InvalidInputException;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {

    @TempDir Path dir;

    private static ImageDecoder.Pixels load(Path file, int channels, int size) {
        return ImageDecoder.resizeAndCrop(ImageDecoder.decode(file, channels), size);
    }

    private static int at(ImageDecoder.Pixels p, int c, int y, int x) {
        return p.pixels()[(c * p.height() + y) * p.width() + x] & 0xff;
    }

    @Test
    void pngReadsBackExactlyWhenSizeIsTheImageSize() throws IOException {
        byte[] chw = ImageFiles.noise(5, 5, 1);
        ImageDecoder.Pixels p = load(ImageFiles.png(chw, 5, 5, dir.resolve("a.png")), 3, 5);
        assertThat(p.channels()).isEqualTo(3);
        assertThat(p.height()).isEqualTo(5);
        assertThat(p.width()).isEqualTo(5);
        assertThat(p.pixels()).isEqualTo(chw);
    }

    @Test
    void shorterSideAtSizeOnlyCropsTheCentreWithTorchvisionRounding() throws IOException {
        // 7 wide, 4 high, size 4: (7 - 4) / 2 = 1.5 rounds half to even -> 2 (torchvision CenterCrop).
        byte[] wide = ImageFiles.noise(4, 7, 2);
        ImageDecoder.Pixels p = load(ImageFiles.png(wide, 4, 7, dir.resolve("wide.png")), 3, 4);
        assertThat(p.pixels()).isEqualTo(ImageFiles.crop(wide, 3, 4, 7, 0, 2, 4));
        // 4 wide, 9 high: (9 - 4) / 2 = 2.5 -> 2.
        byte[] tall = ImageFiles.noise(9, 4, 3);
        p = load(ImageFiles.png(tall, 9, 4, dir.resolve("tall.png")), 3, 4);
        assertThat(p.pixels()).isEqualTo(ImageFiles.crop(tall, 3, 9, 4, 2, 0, 4));
    }

    @Test
    void downscaleReproducesALinearRampInTheInterior() throws IOException {
        // 40×20 -> shorter side 10: scale 2, resized width 20, crop left 5. Output column i samples source
        // position 2 (i + 5) + 0.5 (pixel centres), where an antialiased bilinear filter reproduces any linear ramp.
        byte[] ramp = ImageFiles.rgb(20, 40, (c, y, x) -> c == 0 ? 2 * x + 10 : c == 1 ? 200 - 2 * x : 77);
        ImageDecoder.Pixels p = load(ImageFiles.png(ramp, 20, 40, dir.resolve("ramp.png")), 3, 10);
        for (int y = 0; y < 10; y++) {
            for (int i = 0; i < 10; i++) {
                double source = 2 * (i + 5) + 0.5;
                assertThat(at(p, 0, y, i)).isEqualTo((int) (2 * source + 10));
                assertThat(at(p, 1, y, i)).isEqualTo((int) (200 - 2 * source));
                assertThat(at(p, 2, y, i)).isEqualTo(77);
            }
        }
        // The same along the other axis: 20 wide, 40 high, ramp in y; crop top 5.
        byte[] vramp = ImageFiles.rgb(40, 20, (c, y, x) -> 2 * y + 5);
        p = load(ImageFiles.png(vramp, 40, 20, dir.resolve("vramp.png")), 3, 10);
        for (int i = 0; i < 10; i++) {
            for (int x = 0; x < 10; x++) {
                assertThat(at(p, 1, i, x)).isEqualTo((int) (2 * (2 * (i + 5) + 0.5) + 5));
            }
        }
    }

    @Test
    void upscaleInterpolatesLinearly() throws IOException {
        // 10×5 -> shorter side 10: scale 0.5, resized width 20, crop left 5; output column i samples source
        // position (i + 5 + 0.5) / 2 - 0.5 between two pixels.
        byte[] ramp = ImageFiles.rgb(5, 10, (c, y, x) -> 4 * x + 10 * c + 10);
        ImageDecoder.Pixels p = load(ImageFiles.png(ramp, 5, 10, dir.resolve("small.png")), 3, 10);
        for (int i = 0; i < 10; i++) {
            double source = (i + 5.5) / 2 - 0.5;
            for (int c = 0; c < 3; c++) {
                assertThat(at(p, c, 4, i)).isEqualTo((int) Math.round(4 * source + 10 * c + 10));
            }
        }
    }

    @Test
    void flatImagesStayFlatAtAnyScale() throws IOException {
        byte[] flat = ImageFiles.rgb(37, 53, (c, y, x) -> 40 + 80 * c);
        Path file = ImageFiles.png(flat, 37, 53, dir.resolve("flat.png"));
        for (int size : new int[] {1, 7, 16, 37, 100}) {
            ImageDecoder.Pixels p = load(file, 3, size);
            assertThat(p.pixels()).hasLength(3 * size * size);
            for (int c = 0; c < 3; c++) {
                assertThat(at(p, c, size - 1, size / 2)).isEqualTo(40 + 80 * c);
                assertThat(at(p, c, 0, 0)).isEqualTo(40 + 80 * c);
            }
        }
    }

    @Test
    void resizeIsDeterministicAcrossRunsAndThreads() throws Exception {
        Path file = ImageFiles.jpeg(ImageFiles.noise(150, 200, 4), 150, 200, dir.resolve("noise.jpg"));
        ImageDecoder.Pixels once = load(file, 3, 64);
        assertThat(once.pixels()).hasLength(3 * 64 * 64);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<byte[]>> runs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                runs.add(pool.submit(() -> load(file, 3, 64).pixels()));
            }
            for (Future<byte[]> run : runs) {
                assertThat(run.get()).isEqualTo(once.pixels());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void jpegDecodesCloseToTheOriginal() throws IOException {
        byte[] smooth = ImageFiles.rgb(32, 48, (c, y, x) -> c == 0 ? 4 * x : c == 1 ? 6 * y : 128);
        ImageDecoder.Pixels p = load(ImageFiles.jpeg(smooth, 32, 48, dir.resolve("smooth.jpg")), 3, 32);
        byte[] expected = ImageFiles.crop(smooth, 3, 32, 48, 0, 8, 32);
        long error = 0;
        for (int i = 0; i < expected.length; i++) {
            error += Math.abs((expected[i] & 0xff) - (p.pixels()[i] & 0xff));
        }
        assertThat((double) error / expected.length).isLessThan(3.0);
    }

    @Test
    void greyImagesAreReplicatedToRgbOrKeptAsTheyAre() throws IOException {
        BufferedImage grey = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        int[] levels = {0, 17, 128, 200, 254, 255};
        grey.getRaster().setPixels(0, 0, 3, 2, levels);
        Path png = ImageFiles.write(grey, "png", dir.resolve("grey.png"));
        ImageDecoder.Pixels rgb = ImageDecoder.decode(png, 3);
        ImageDecoder.Pixels l = ImageDecoder.decode(png, 1);
        for (int i = 0; i < 6; i++) {
            // Levels as stored: no linear-grey-to-sRGB gamma (BufferedImage.getRGB would turn 128 into 188).
            assertThat(l.pixels()[i] & 0xff).isEqualTo(levels[i]);
            for (int c = 0; c < 3; c++) {
                assertThat(rgb.pixels()[c * 6 + i] & 0xff).isEqualTo(levels[i]);
            }
        }
        Path jpg = ImageFiles.write(grey, "jpg", dir.resolve("grey.jpg"));
        ImageDecoder.Pixels j = ImageDecoder.decode(jpg, 3);
        assertThat(j.channels()).isEqualTo(3);
        assertThat(Arrays.copyOfRange(j.pixels(), 0, 6)).isEqualTo(Arrays.copyOfRange(j.pixels(), 12, 18));
    }

    @Test
    void sixteenBitGreyIsScaledToEightBits() throws IOException {
        BufferedImage grey = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
        grey.getRaster().setPixels(0, 0, 4, 1, new int[] {0, 257 * 100, 65535, 128});
        ImageDecoder.Pixels p = ImageDecoder.decode(ImageFiles.write(grey, "png", dir.resolve("g16.png")), 1);
        assertThat(p.pixels()).isEqualTo(new byte[] {0, 100, (byte) 255, 0});   // 128 * 255 / 65535 = 0.498
    }

    @Test
    void paletteImagesTakeTheirPaletteColours() throws IOException {
        byte[] r = {(byte) 255, 0, 12, 0};
        byte[] g = {0, (byte) 255, 34, 0};
        byte[] b = {0, 0, 56, (byte) 255};
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 4, r, g, b));
        img.getRaster().setPixels(0, 0, 2, 2, new int[] {0, 1, 2, 3});
        ImageDecoder.Pixels p = ImageDecoder.decode(ImageFiles.write(img, "png", dir.resolve("p.png")), 3);
        assertThat(p.pixels()).isEqualTo(new byte[] {
            (byte) 255, 0, 12, 0, 0, (byte) 255, 34, 0, 0, 0, 56, (byte) 255});
    }

    @Test
    void alphaIsDroppedNotComposited() throws IOException {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x00102030);   // fully transparent
        img.setRGB(1, 0, 0x80405060);
        ImageDecoder.Pixels p = ImageDecoder.decode(ImageFiles.write(img, "png", dir.resolve("a.png")), 3);
        assertThat(p.pixels()).isEqualTo(new byte[] {0x10, 0x40, 0x20, 0x50, 0x30, 0x60});
    }

    @Test
    void rgbToOneChannelIsBt601Luma() throws IOException {
        int[][] colours = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}, {0, 0, 0}, {10, 200, 90}};
        byte[] chw = ImageFiles.rgb(1, colours.length, (c, y, x) -> colours[x][c]);
        ImageDecoder.Pixels p = ImageDecoder.decode(ImageFiles.png(chw, 1, colours.length, dir.resolve("c.png")), 1);
        for (int x = 0; x < colours.length; x++) {
            long expected = Math.round(0.299 * colours[x][0] + 0.587 * colours[x][1] + 0.114 * colours[x][2]);
            assertThat((long) (p.pixels()[x] & 0xff)).isEqualTo(expected);
        }
    }

    @Test
    void missingEmptyAndUnknownFilesNameTheFile() throws IOException {
        Path missing = dir.resolve("no.jpg");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ImageDecoder.decode(missing, 3));
        assertThat(e).hasMessageThat().isEqualTo(missing + ": no such image file");

        Path empty = Files.write(dir.resolve("empty.png"), new byte[0]);
        e = assertThrows(InvalidInputException.class, () -> ImageDecoder.decode(empty, 3));
        assertThat(e).hasMessageThat().isEqualTo(empty + ": empty file (0 bytes), expected a JPEG or PNG image");

        Path text = Files.writeString(dir.resolve("notes.jpg"), "not an image at all");
        e = assertThrows(InvalidInputException.class, () -> ImageDecoder.decode(text, 3));
        assertThat(e).hasMessageThat().startsWith(text + ": not a JPEG or PNG image");
        assertThat(e).hasMessageThat().contains("starting 6e 6f 74 20");
    }

    @Test
    void corruptAndTruncatedFilesAreErrorsNotGreyImages() throws IOException {
        Path png = ImageFiles.png(ImageFiles.noise(40, 40, 5), 40, 40, dir.resolve("n.png"));
        byte[] bytes = Files.readAllBytes(png);
        Path cutPng = Files.write(dir.resolve("cut.png"), Arrays.copyOf(bytes, bytes.length / 2));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ImageDecoder.decode(cutPng, 3));
        assertThat(e).hasMessageThat().startsWith(cutPng + ": cannot decode it as an image:");

        Path jpg = ImageFiles.jpeg(ImageFiles.noise(64, 96, 6), 64, 96, dir.resolve("n.jpg"));
        bytes = Files.readAllBytes(jpg);
        // libjpeg only warns about a file that ends early and fills the rest with grey: that must be an error.
        Path cutJpg = Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(bytes, bytes.length * 7 / 10));
        e = assertThrows(InvalidInputException.class, () -> ImageDecoder.decode(cutJpg, 3));
        assertThat(e).hasMessageThat().startsWith(cutJpg + ": truncated JPEG image");

        byte[] garbled = bytes.clone();
        Arrays.fill(garbled, 2, 200, (byte) 0x5a);   // headers overwritten after the SOI marker
        Path bad = Files.write(dir.resolve("garbled.jpg"), garbled);
        e = assertThrows(InvalidInputException.class, () -> ImageDecoder.decode(bad, 3));
        assertThat(e).hasMessageThat().startsWith(bad + ": ");
        assertThat(e).hasMessageThat().containsMatch("cannot decode|truncated");
    }

    @Test
    void zeroSizeImageIsRejected() throws IOException {
        Path png = Files.write(dir.resolve("zero.png"), pngWithSize(0, 4));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ImageDecoder.decode(png, 3));
        assertThat(e).hasMessageThat().startsWith(png + ": zero-size PNG image");
    }

    /** A PNG signature and IHDR chunk (8-bit RGB) declaring {@code w × h}, then IEND. */
    private static byte[] pngWithSize(int w, int h) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(ihdr);
        d.writeInt(w);
        d.writeInt(h);
        d.write(new byte[] {8, 2, 0, 0, 0});
        chunk(out, "IHDR", ihdr.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return bytes.toByteArray();
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeInt(data.length);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }
}
