package io.sdclr.steps.internal.model;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.List;

/**
 * A global magnitude pruning mask over all conv weights of a network (stem, block convs, 1x1 downsample convs;
 * never BN or head): k = ceil(p * N), threshold = sorted(|w|)[min(k, N - 1)], keep |w| >= threshold.
 * SDCLR, prune/mask.py {@code magnitudePruning}, called from prune/prune_simCLR.py at the start of every epoch.
 *
 * <pre>{@code
 * PruneMask mask = PruneMask.global(net, 0.9); // from the current dense weights
 * net.setMask(mask.values());                   // or set hand-made masks
 * }</pre>
 *
 * <p>This is the plain-Java reference, computed on the Java heap (the weights are copied out, sorted, and the
 * masks copied back). Training uses {@link DualBranchResNet#rebuildMask}, which computes the same masks on the
 * weights' device without the per-epoch garbage; {@code PruneMaskTest} checks that the two agree exactly.
 *
 * @param threshold the magnitude at or above which a weight is kept
 * @param kept number of weights kept
 * @param total number of conv weights
 * @param values one 0/1 array per conv weight, in the order of {@link DualBranchResNet#convWeightNames()}
 */
public record PruneMask(float threshold, long kept, long total, float[][] values) {
    /** What {@link DualBranchResNet#rebuildMask} reports: the threshold and how many of how many weights it kept. */
    public record Summary(float threshold, long kept, long total) {}

    /** Rejects a pruning ratio outside [0, 1), which no mask can realise. */
    static void checkRatio(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("pruning ratio must be in [0, 1), was " + p);
        }
    }

    /** The mask of {@code net}'s current conv weights at pruning ratio {@code p} in [0, 1). */
    public static PruneMask global(DualBranchResNet net, double p) {
        List<String> names = net.convWeightNames();
        float[][] weights = new float[names.size()][];
        for (int i = 0; i < names.size(); i++) {
            NDArray w = net.parameters().get(names.get(i));
            weights[i] = w.toFloatArray();
        }
        return of(weights, p);
    }

    /** The mask of the given weight arrays (treated as one vector) at pruning ratio {@code p}. */
    public static PruneMask of(float[][] weights, double p) {
        checkRatio(p);
        int n = 0;
        for (float[] w : weights) {
            n += w.length;
        }
        float[] mags = new float[n];
        int at = 0;
        for (float[] w : weights) {
            for (float v : w) {
                mags[at++] = Math.abs(v);
            }
        }
        Arrays.sort(mags);
        // np.ceil(p * N) as in prune/mask.py, computed in double precision.
        long k = (long) Math.ceil(p * n);
        float threshold = mags[(int) Math.min(k, n - 1L)];
        float[][] values = new float[weights.length][];
        long kept = 0;
        for (int i = 0; i < weights.length; i++) {
            float[] w = weights[i];
            float[] m = new float[w.length];
            for (int j = 0; j < w.length; j++) {
                if (Math.abs(w[j]) >= threshold) {
                    m[j] = 1f;
                    kept++;
                }
            }
            values[i] = m;
        }
        return new PruneMask(threshold, kept, n, values);
    }
}
