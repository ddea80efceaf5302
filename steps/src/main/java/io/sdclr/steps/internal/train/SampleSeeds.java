package io.sdclr.steps.internal.train;

/**
 * Seeds derived from (run seed, epoch, sample id, view) by SplitMix64 mixing, so that every random choice
 * depends only on what it is about, never on thread count, batch order or how many draws came before.
 */
final class SampleSeeds {
    private SampleSeeds() {}

    static long mix(long... parts) {
        long h = 0x5DC1_2021_0000_0001L;
        for (long p : parts) {
            h = stafford(h ^ stafford(p + 0x9E37_79B9_7F4A_7C15L));
        }
        return h;
    }

    /** SplitMix64 finaliser (Stafford variant 13). */
    static long stafford(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
