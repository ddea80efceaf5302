package io.sdclr.steps.eval;

import io.sdclr.steps.internal.metrics.Accuracy;
import java.util.stream.IntStream;

/**
 * Weighted cosine k-nearest-neighbour classifier on frozen features, the monitor of InstDisc (Wu et al. 2018) and
 * solo-learn.
 *
 * <pre>{@code
 * double[] perClass = KnnClassifier.perClassAccuracy(poolFeatures, testFeatures, 10, 200, 0.07);
 * }</pre>
 *
 * <p>Features are L2-normalised (an all-zero row stays zero, similarity 0). For each test row, the {@code k} train
 * rows of highest cosine similarity vote for their class with weight {@code exp(sim / temperature)}; the class with
 * the largest total wins. Ties are broken deterministically: among equal similarities the lower train row index
 * ranks first, and among equal vote totals the lower class id wins.
 *
 * <p>Test rows are processed in parallel blocks; each row's answer depends only on its own computation, so the
 * result is the same for any thread count.
 */
final class KnnClassifier {

    /** Default temperature, as in InstDisc and solo-learn. */
    public static final double DEFAULT_TEMPERATURE = 0.07;

    /** Test rows per block: the block's features stay in cache while all train rows stream past. */
    private static final int BLOCK = 64;
    /** Train rows per transposed tile. */
    private static final int TILE = 256;

    private KnnClassifier() {}

    /** Per-class test accuracy in percent, indexed by class. */
    public static double[] perClassAccuracy(
            LabeledFeatures train, LabeledFeatures test, int numClasses, int k, double temperature) {
        return Accuracy.perClass(test.y(), predict(train, test, numClasses, k, temperature), numClasses, "kNN test set");
    }

    /**
     * Per-class test accuracy for several {@code ks} from one neighbour search: {@code result[i]} is for
     * {@code ks[i]}, identical to {@link #perClassAccuracy} with that k alone (the top-k of a row are the first k
     * of its top-max(ks), in the same rank order).
     */
    public static double[][] perClassAccuracy(
            LabeledFeatures train, LabeledFeatures test, int numClasses, int[] ks, double temperature) {
        int[][] pred = predict(train, test, numClasses, ks, temperature);
        double[][] out = new double[ks.length][];
        for (int i = 0; i < ks.length; i++) {
            out[i] = Accuracy.perClass(test.y(), pred[i], numClasses, "kNN test set");
        }
        return out;
    }

    /** Predicted class per test row. */
    public static int[] predict(LabeledFeatures train, LabeledFeatures test, int numClasses, int k, double temperature) {
        return predict(train, test, numClasses, new int[] {k}, temperature)[0];
    }

    /** Predicted class per test row for each of {@code ks}: {@code result[i][row]}. */
    public static int[][] predict(
            LabeledFeatures train, LabeledFeatures test, int numClasses, int[] ks, double temperature) {
        if (ks.length == 0) {
            throw new IllegalArgumentException("at least one k is needed");
        }
        int k = 0;
        for (int ki : ks) {
            if (ki <= 0 || ki > train.size()) {
                throw new IllegalArgumentException(
                        "k must be in 1.." + train.size() + " (train rows), was " + ki);
            }
            k = Math.max(k, ki);
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, was " + temperature);
        }
        if (test.size() > 0 && test.dim() != train.dim()) {
            throw new IllegalArgumentException(
                    "feature dimensions differ: train " + train.dim() + ", test " + test.dim());
        }
        train.checkLabels("kNN train set", numClasses);
        test.checkLabels("kNN test set", numClasses);
        float[][] te = normalised(test.x());
        float[][][] tiles = transposedTiles(normalised(train.x()), train.dim());
        int trainRows = train.size();
        int[] trainY = train.y();
        int[][] pred = new int[ks.length][te.length];
        int blocks = (te.length + BLOCK - 1) / BLOCK;
        int kMax = k;
        IntStream.range(0, blocks).parallel().forEach(blk -> {
            int from = blk * BLOCK;
            int to = Math.min(te.length, from + BLOCK);
            classifyBlock(tiles, trainRows, trainY, te, from, to, numClasses, kMax, ks, temperature, pred);
        });
        return pred;
    }

    /**
     * Train rows in tiles of {@link #TILE}, each transposed to {@code tile[j][i]}: a similarity row is then built
     * by loops {@code sim[i] += q[j] * tile[j][i]}, which the JIT vectorises, still summing in order j = 0..d-1.
     */
    private static float[][][] transposedTiles(float[][] rows, int d) {
        int n = rows.length;
        float[][][] tiles = new float[(n + TILE - 1) / TILE][d][TILE];
        for (int i = 0; i < n; i++) {
            float[][] tile = tiles[i / TILE];
            int col = i % TILE;
            for (int j = 0; j < d; j++) {
                tile[j][col] = rows[i][j];
            }
        }
        return tiles;
    }

    private static void classifyBlock(
            float[][][] tiles, int trainRows, int[] trainY, float[][] te, int from, int to, int numClasses, int k,
            int[] ks, double temperature, int[][] pred) {
        int m = to - from;
        // Per test row: a min-heap of the k best (sim, index) so far; root = worst kept neighbour.
        float[][] heapSim = new float[m][k];
        int[][] heapIdx = new int[m][k];
        int[] size = new int[m];
        float[] sim = new float[TILE];
        for (int tileNo = 0; tileNo < tiles.length; tileNo++) {
            float[][] tile = tiles[tileNo];
            int base = tileNo * TILE;
            int width = Math.min(TILE, trainRows - base);
            for (int t = 0; t < m; t++) {
                float[] q = te[from + t];
                java.util.Arrays.fill(sim, 0f);
                for (int j = 0; j < q.length; j++) {
                    float qj = q[j];
                    float[] col = tile[j];
                    for (int i = 0; i < TILE; i++) {
                        sim[i] += qj * col[i];
                    }
                }
                float[] hs = heapSim[t];
                int[] hi = heapIdx[t];
                for (int i = 0; i < width; i++) {
                    float s = sim[i];
                    if (size[t] < k) {
                        siftUp(hs, hi, size[t]++, s, base + i);
                    } else if (better(s, base + i, hs[0], hi[0])) {
                        siftDown(hs, hi, k, s, base + i);
                    }
                }
            }
        }
        double[] votes = new double[numClasses];
        for (int t = 0; t < m; t++) {
            int[] rank = sortedByRank(heapSim[t], heapIdx[t], size[t]);
            for (int q = 0; q < ks.length; q++) {
                java.util.Arrays.fill(votes, 0);
                // The ks[q] best neighbours, summed in rank order: the same sum as a search for ks[q] alone.
                for (int n = 0; n < Math.min(ks[q], rank.length); n++) {
                    int r = rank[n];
                    votes[trainY[heapIdx[t][r]]] += Math.exp(heapSim[t][r] / temperature);
                }
                int arg = 0;
                for (int c = 1; c < numClasses; c++) {
                    if (votes[c] > votes[arg]) {
                        arg = c;
                    }
                }
                pred[q][from + t] = arg;
            }
        }
    }

    /** Whether neighbour (s1, i1) ranks before (s2, i2): higher similarity, then lower index. */
    private static boolean better(float s1, int i1, float s2, int i2) {
        return s1 > s2 || (s1 == s2 && i1 < i2);
    }

    private static void siftUp(float[] hs, int[] hi, int pos, float s, int idx) {
        while (pos > 0) {
            int parent = (pos - 1) >>> 1;
            if (!better(hs[parent], hi[parent], s, idx)) {
                break;
            }
            hs[pos] = hs[parent];
            hi[pos] = hi[parent];
            pos = parent;
        }
        hs[pos] = s;
        hi[pos] = idx;
    }

    /** Replaces the root (the worst kept neighbour) and restores the heap. */
    private static void siftDown(float[] hs, int[] hi, int n, float s, int idx) {
        int pos = 0;
        while (true) {
            int child = 2 * pos + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n && better(hs[child], hi[child], hs[child + 1], hi[child + 1])) {
                child++; // the worse of the two children
            }
            if (!better(s, idx, hs[child], hi[child])) {
                break;
            }
            hs[pos] = hs[child];
            hi[pos] = hi[child];
            pos = child;
        }
        hs[pos] = s;
        hi[pos] = idx;
    }

    /** Heap slots in rank order (best first), so the vote sum runs in a fixed order. */
    private static int[] sortedByRank(float[] hs, int[] hi, int n) {
        Integer[] slots = new Integer[n];
        for (int i = 0; i < n; i++) {
            slots[i] = i;
        }
        java.util.Arrays.sort(slots, (p, q) -> better(hs[p], hi[p], hs[q], hi[q]) ? -1 : (p.equals(q) ? 0 : 1));
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = slots[i];
        }
        return out;
    }

    private static float[][] normalised(float[][] x) {
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            double norm = 0;
            for (float v : x[i]) {
                norm += (double) v * v;
            }
            float inv = norm > 0 ? (float) (1.0 / Math.sqrt(norm)) : 0f;
            float[] row = new float[x[i].length];
            for (int j = 0; j < row.length; j++) {
                row[j] = x[i][j] * inv;
            }
            out[i] = row;
        }
        return out;
    }
}
