package io.sdclr.steps.internal.data;

import io.sdclr.dsl.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format: a big-endian header, then unsigned bytes), plain or
 * gzip-compressed. Every malformed input is an {@link InvalidInputException} naming the file, the record and
 * what was expected.
 *
 * <pre>{@code
 * Path images = dir.resolve("train-images-idx3-ubyte.gz");
 * Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
 * IdxHeader ih = IdxFile.checkPair(images, labels);     // magics and counts agree
 * byte[][] shard = IdxFile.readImages(images, 10_000, 5_000);
 * int[] y = IdxFile.readLabels(labels, 10);
 * }</pre>
 *
 * <p>Compression is detected by the gzip magic (0x1f8b) at the start of the file, not by its name, so a
 * decompressed file that kept its {@code .gz} name still reads.
 */
public final class IdxFile {
    /** Most bytes one read asks for (see readFully). */
    private static final int READ_CHUNK = 512;
    /**
     * Most bytes allocated for a record or the labels before their data has arrived: a damaged header may declare
     * gigabytes in a file of a few bytes (2^31 - 1 labels used to be an OutOfMemoryError).
     */
    private static final int FIRST_ALLOCATION = 1 << 20;

    private static final int BUFFER = 1 << 16;

    private IdxFile() {}

    /**
     * Reads and validates the header: magic {@code 0x000008nn} (unsigned bytes, {@code nn} = 1..4 dimensions) and
     * non-negative dimension sizes whose product fits in memory.
     */
    public static IdxHeader readHeader(Path file) {
        try (InputStream in = open(file)) {
            return parseHeader(file, in);
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    /** Reads the headers of an images file and its labels file and checks that they form a pair. */
    public static IdxHeader checkPair(Path imagesFile, Path labelsFile) {
        IdxHeader images = readHeader(imagesFile, IMAGES, IMAGES_WHAT);
        checkPair(images, readHeader(labelsFile, LABELS, LABELS_WHAT), imagesFile, labelsFile);
        return images;
    }

    private static final int[] IMAGES = {IdxHeader.IMAGES_MAGIC, IdxHeader.IMAGES_WITH_CHANNELS_MAGIC};
    private static final String IMAGES_WHAT = "IDX unsigned-byte images, 3 or 4 dimensions";
    private static final int[] LABELS = {IdxHeader.LABELS_MAGIC};
    private static final String LABELS_WHAT = "IDX unsigned-byte labels, 1 dimension";

    private static IdxHeader readHeader(Path file, int[] expected, String what) {
        try (InputStream in = open(file)) {
            return parseHeader(file, in, expected, what);
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    private static boolean isGzip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Checks that {@code images} is an images header (3-D or 4-D), {@code labels} a labels header (1-D), and that
     * both declare the same number of records.
     */
    public static void checkPair(IdxHeader images, IdxHeader labels, Path imagesFile, Path labelsFile) {
        checkImagesMagic(imagesFile, images);
        checkMagic(labelsFile, labels, IdxHeader.LABELS_MAGIC, "IDX unsigned-byte labels, 1 dimension");
        if (images.count() != labels.count()) {
            throw new InvalidInputException(
                    "%s declares %d images but %s declares %d labels; expected the same count in both files",
                    imagesFile, images.count(), labelsFile, labels.count());
        }
    }

    /**
     * Checks the whole file's structure, however few of its records a run reads: it must hold at least one record
     * and exactly the data its header declares — count × record size bytes after the header, no more, no less — and,
     * if gzipped, decompress cleanly to its end. An uncompressed file is checked by its length; a gzipped one is
     * decompressed in full (about 0.3 s for Fashion-MNIST's 26 MB training images here). Returns the header.
     */
    public static IdxHeader checkWholeFile(Path file) {
        try (InputStream in = open(file)) {
            IdxHeader header = parseHeader(file, in);
            if (header.count() == 0) {
                throw new InvalidInputException("%s: the header declares 0 records; expected at least one", file);
            }
            long expected = (long) header.count() * header.recordSize();
            Skipped skipped = skipFully(in, Long.MAX_VALUE);
            long data = skipped.bytes();
            if (data != expected) {
                throw new InvalidInputException("%s: the header declares %d records of %d bytes (%s) = %d data bytes"
                        + " after the %d-byte header, but the file holds %d; the header does not match the data"
                        + " (wrong dimensions, a truncated file or trailing bytes)", file, header.count(),
                        header.recordSize(), dimensions(header), expected, header.dataOffset(), data);
            }
            if (skipped.cut()) {
                // All the data inflated, but the CRC-32 that would vouch for it is missing.
                throw new InvalidInputException("%s: the gzip stream ends before its 8-byte trailer (CRC-32 and"
                        + " size): the file is cut short and its %d data bytes cannot be verified; expected a complete"
                        + " gzip file (download it again)", file, expected);
            }
            return header;
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    private static String dimensions(IdxHeader header) {
        StringBuilder b = new StringBuilder();
        int[] dims = header.dims();
        for (int i = 1; i < dims.length; i++) {
            b.append(i == 1 ? "" : "x").append(dims[i]);
        }
        return b.length() == 0 ? "1 byte each" : b.toString();
    }

    /** All images of the file; see {@link #readImages(Path, int, int)}. */
    public static byte[][] readImages(Path file) {
        return readImages(file, 0, readHeader(file).count());
    }

    /**
     * Reads {@code count} images starting at image index {@code from}; each is {@code rows * cols} bytes (times
     * {@code channels} for a 4-D file), in file order (row-major, channels last). Fails if the file ends before
     * the last requested image, naming the first image that is missing.
     */
    public static byte[][] readImages(Path file, int from, int count) {
        try (InputStream in = open(file)) {
            IdxHeader header = parseHeader(file, in, IMAGES, IMAGES_WHAT);
            if (from < 0 || count < 0 || (long) from + count > header.count()) {
                throw new IllegalArgumentException(String.format(
                        "%s: cannot read images [%d, %d): the header declares %d images",
                        file, from, (long) from + count, header.count()));
            }
            int size = header.recordSize();
            long skipped = skipFully(in, (long) from * size).bytes();
            if (skipped < (long) from * size) {
                throw truncated(file, header, (int) (skipped / size));
            }
            // Grown as records arrive: count comes from the header, which may declare far more than the file holds.
            List<byte[]> images = new ArrayList<>(Math.min(count, 1024));
            for (int i = 0; i < count; i++) {
                byte[] image = readUpTo(in, size);
                if (image.length < size) {
                    throw truncated(file, header, from + i);
                }
                images.add(image);
            }
            return images.toArray(new byte[0][]);
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    /**
     * Reads all labels. Each must be in {@code [0, numClasses)}, the file must hold exactly the number of labels
     * its header declares.
     */
    public static int[] readLabels(Path file, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("numClasses must be > 0, was " + numClasses);
        }
        try (InputStream in = open(file)) {
            IdxHeader header = parseHeader(file, in, LABELS, LABELS_WHAT);
            byte[] raw = readUpTo(in, header.count());
            if (raw.length < header.count()) {
                throw truncated(file, header, raw.length);
            }
            int[] labels = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                int label = raw[i] & 0xff;
                if (label >= numClasses) {
                    throw new InvalidInputException(
                            "%s: label record %d has value %d, expected 0..%d (%d classes)",
                            file, i, label, numClasses - 1, numClasses);
                }
                labels[i] = label;
            }
            if (in.read() != -1) {
                throw new InvalidInputException(
                        "%s: data continues after the %d labels the header declares; expected exactly %d bytes"
                                + " after the %d-byte header",
                        file, header.count(), header.count(), header.dataOffset());
            }
            return labels;
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new BufferedInputStream(new SmallReads(new GZIPInputStream(in, BUFFER)), BUFFER);
        }
        return in;
    }

    /**
     * Hands out at most {@link #READ_CHUNK} bytes per read: a cut gzip stream throws without returning what it did
     * inflate in that call, so what a reader above it counts as readable stays accurate to one chunk.
     */
    private static final class SmallReads extends java.io.FilterInputStream {
        SmallReads(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, Math.min(len, READ_CHUNK));
        }
    }

    private static IdxHeader parseHeader(Path file, InputStream in) throws IOException {
        return parseHeader(file, in, null, null);
    }

    /**
     * As {@link #parseHeader(Path, InputStream)}, checking the magic against {@code expected} (when not null) before
     * the dimensions, so that a file of the wrong kind is named as such rather than by its odd dimensions.
     */
    private static IdxHeader parseHeader(Path file, InputStream in, int[] expected, String what) throws IOException {
        byte[] magicBytes = new byte[4];
        int got = readFully(in, magicBytes);
        if (got < 4) {
            if (isGzip(file)) {
                throw new InvalidInputException("%s: the gzip data ends after %d decompressed bytes, before the"
                        + " 4-byte IDX magic: the file is cut short or empty", file, got);
            }
            throw new InvalidInputException(
                    "%s: not an IDX file: %d bytes long, expected a header starting with a 4-byte magic 0x000008nn",
                    file, got);
        }
        int magic = readInt(magicBytes, 0);
        int ndims = magic & 0xff;
        if ((magic & 0xffffff00) != 0x00000800 || ndims < 1 || ndims > 4) {
            throw new InvalidInputException(
                    "%s: not an IDX unsigned-byte file: magic 0x%08x, expected 0x000008nn with nn = 01..04 dimensions"
                            + " (0x00000801 labels, 0x00000803 images)",
                    file, magic);
        }
        if (expected != null && java.util.Arrays.stream(expected).noneMatch(m -> m == magic)) {
            throw new InvalidInputException("%s: magic 0x%08x, expected %s (%s)", file, magic,
                    java.util.Arrays.stream(expected).mapToObj(m -> String.format("0x%08x", m))
                            .collect(java.util.stream.Collectors.joining(" or ")), what);
        }
        byte[] dimBytes = new byte[4 * ndims];
        if (readFully(in, dimBytes) < dimBytes.length) {
            throw new InvalidInputException(
                    "%s: truncated header: magic 0x%08x announces %d dimension sizes, the file ends before them",
                    file, magic, ndims);
        }
        int[] dims = new int[ndims];
        long recordSize = 1;
        for (int i = 0; i < ndims; i++) {
            dims[i] = readInt(dimBytes, 4 * i);
            if (dims[i] < 0) {
                throw new InvalidInputException(
                        "%s: header dimension %d is %d (0x%08x), expected a size >= 0", file, i, dims[i], dims[i]);
            }
            if (i > 0) {
                recordSize *= dims[i];
                if (recordSize > Integer.MAX_VALUE - 16) {
                    throw new InvalidInputException(
                            "%s: header dimensions %s give records of more than 2^31 bytes", file,
                            java.util.Arrays.toString(java.util.Arrays.copyOf(dims, i + 1)));
                }
            }
        }
        return new IdxHeader(magic, dims, 4L + 4L * ndims);
    }

    private static void checkImagesMagic(Path file, IdxHeader header) {
        if (header.magic() != IdxHeader.IMAGES_MAGIC && header.magic() != IdxHeader.IMAGES_WITH_CHANNELS_MAGIC) {
            throw new InvalidInputException(
                    "%s: magic 0x%08x, expected 0x%08x or 0x%08x (IDX unsigned-byte images, 3 or 4 dimensions)",
                    file, header.magic(), IdxHeader.IMAGES_MAGIC, IdxHeader.IMAGES_WITH_CHANNELS_MAGIC);
        }
    }

    private static void checkMagic(Path file, IdxHeader header, int expected, String what) {
        if (header.magic() != expected) {
            throw new InvalidInputException(
                    "%s: magic 0x%08x, expected 0x%08x (%s)", file, header.magic(), expected, what);
        }
    }

    private static InvalidInputException truncated(Path file, IdxHeader header, int firstMissing) {
        return new InvalidInputException(
                "%s: truncated: record %d is missing or incomplete; the header declares %d records of %d bytes"
                        + " (%d data bytes after the %d-byte header)",
                file, firstMissing, header.count(), header.recordSize(),
                (long) header.count() * header.recordSize(), header.dataOffset());
    }

    private static RuntimeException ioFailure(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new InvalidInputException(e, "%s: no such file", file);
        }
        if (e instanceof ZipException || e instanceof EOFException) {
            // A gzip stream cut short or corrupted: bad input, not an I/O failure of this machine.
            return new InvalidInputException(e, "%s: corrupt or truncated gzip data (%s)", file, e.getMessage());
        }
        return new UncheckedIOException("reading " + file + " failed", e);
    }

    /**
     * Reads {@code n} bytes, or fewer if the stream ends first, allocating at most {@link #FIRST_ALLOCATION} bytes
     * more than have arrived.
     */
    private static byte[] readUpTo(InputStream in, int n) throws IOException {
        byte[] buf = new byte[Math.min(n, FIRST_ALLOCATION)];
        int got = readFully(in, buf, 0);
        while (got == buf.length && buf.length < n) {
            buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
            got = readFully(in, buf, got);
        }
        return got == buf.length ? buf : Arrays.copyOf(buf, got);
    }

    /** Reads until {@code buf} is full or the stream ends; returns the bytes read. */
    private static int readFully(InputStream in, byte[] buf) throws IOException {
        return readFully(in, buf, 0);
    }

    /** Fills {@code buf} from {@code off} until it is full or the stream ends; returns the bytes it then holds. */
    private static int readFully(InputStream in, byte[] buf, int off) throws IOException {
        while (off < buf.length) {
            int n;
            try {
                // At most a chunk per call (see SmallReads): a call that meets the cut loses only that chunk.
                n = in.read(buf, off, Math.min(READ_CHUNK, buf.length - off));
            } catch (EOFException e) {
                // GZIPInputStream reports a cut-off stream this way; the caller names the missing record.
                break;
            }
            if (n < 0) {
                break;
            }
            off += n;
        }
        return off;
    }

    /**
     * What {@link #skipFully} skipped, and whether the stream was cut: a gzip stream that ended without its
     * trailer (an EOFException), as opposed to one that ended cleanly.
     */
    private record Skipped(long bytes, boolean cut) {}

    /** Skips up to {@code n} bytes; fewer only at the end of the stream. */
    private static Skipped skipFully(InputStream in, long n) throws IOException {
        long done = 0;
        try {
            while (done < n) {
                long s = in.skip(n - done);
                if (s > 0) {
                    done += s;
                } else if (in.read() >= 0) {
                    done++;
                } else {
                    break;
                }
            }
        } catch (EOFException e) {
            // A cut-off gzip stream; the caller reports the first missing record, or the missing trailer.
            return new Skipped(done, true);
        }
        return new Skipped(done, false);
    }

    private static int readInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }
}
