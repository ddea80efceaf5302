package io.sdclr.steps.internal.data;

/** Pixel layout conversions. Images travel between steps as uint8 in CHW order. */
public final class Layout {
    private Layout() {}

    /** Interleaved HWC (as in 4-D IDX files and decoded JPEG/PNG) to planar CHW. */
    public static byte[] hwcToChw(byte[] hwc, int h, int w, int c) {
        byte[] chw = new byte[hwc.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int k = 0; k < c; k++) {
                    chw[(k * h + y) * w + x] = hwc[(y * w + x) * c + k];
                }
            }
        }
        return chw;
    }
}
