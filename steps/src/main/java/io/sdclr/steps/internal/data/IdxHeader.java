package io.sdclr.steps.internal.data;

import java.util.Arrays;

/**
 * The header of an IDX file (the MNIST / Fashion-MNIST format), as read by {@link IdxFile#readHeader}.
 *
 * <pre>{@code
 * IdxHeader h = IdxFile.readHeader(Path.of("train-images-idx3-ubyte.gz"));
 * int n = h.count();            // 60000
 * int bytes = h.recordSize();   // 28 * 28 = 784
 * }</pre>
 *
 * @param magic the 32-bit big-endian magic number: {@code 0x0000 08 nd}, where 0x08 is the unsigned-byte type
 *     and {@code nd} the number of dimensions (0x00000801 labels, 0x00000803 grayscale images, 0x00000804
 *     images with channels)
 * @param dims the dimension sizes in file order; {@code dims[0]} is the number of records
 * @param dataOffset the byte offset of the first record in the <em>uncompressed</em> stream ({@code 4 + 4 * nd})
 */
public record IdxHeader(int magic, int[] dims, long dataOffset) {

    /** Magic of a labels file: unsigned bytes, 1 dimension. */
    public static final int LABELS_MAGIC = 0x00000801;
    /** Magic of an images file: unsigned bytes, 3 dimensions (count, rows, cols). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic of an images file with channels: unsigned bytes, 4 dimensions (count, rows, cols, channels). */
    public static final int IMAGES_WITH_CHANNELS_MAGIC = 0x00000804;

    public IdxHeader {
        if (dims == null || dims.length == 0) {
            throw new IllegalArgumentException("dims must have at least one dimension");
        }
        dims = dims.clone();
    }

    /** A copy, so the header stays immutable. */
    @Override
    public int[] dims() {
        return dims.clone();
    }

    /** Number of records ({@code dims[0]}). */
    public int count() {
        return dims[0];
    }

    /** Bytes per record: the product of all dimensions after the first (1 for a labels file). */
    public int recordSize() {
        long size = 1;
        for (int i = 1; i < dims.length; i++) {
            size *= dims[i];
        }
        return (int) size;
    }

    /** Image rows, or 0 if this is not an images file. */
    public int rows() {
        return dims.length >= 3 ? dims[1] : 0;
    }

    /** Image columns, or 0 if this is not an images file. */
    public int cols() {
        return dims.length >= 3 ? dims[2] : 0;
    }

    /** Channels: {@code dims[3]} for a 4-D file, 1 for a 3-D file, 0 if this is not an images file. */
    public int channels() {
        return dims.length >= 4 ? dims[3] : (dims.length == 3 ? 1 : 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdxHeader h
                && h.magic == magic
                && h.dataOffset == dataOffset
                && Arrays.equals(h.dims, dims);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Integer.hashCode(magic) + Arrays.hashCode(dims)) + Long.hashCode(dataOffset);
    }

    @Override
    public String toString() {
        return String.format("IdxHeader[magic=0x%08x, dims=%s, dataOffset=%d]", magic, Arrays.toString(dims), dataOffset);
    }
}
