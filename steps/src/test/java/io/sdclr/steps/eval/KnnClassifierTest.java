package io.sdclr.steps.eval;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

class KnnClassifierTest {

    /**
     * Hand-checkable: train points on the unit circle. Test point t = (1, 0).
     * Cosines: a=(1,0.1)->0.995 class 0, b=(0,1)->0 class 1, c=(1,-0.2)->0.981 class 1, d=(-1,0)->-1 class 0.
     * k=2 picks a and c: exp(0.995/T) vs exp(0.981/T) -> class 0. k=3 adds b (class 1, weight exp(0) = 1):
     * with T = 0.07, exp(14.21) ≈ 1.49e6 vs exp(14.01)+1 ≈ 1.22e6 -> still class 0. With T = 1e9 every vote weighs
     * ~1, so k=3 gives class 1 (2 votes to 1).
     */
    @Test
    void handCheckedVotes() {
        LabeledFeatures train = new LabeledFeatures(
                new float[][] {{1f, 0.1f}, {0f, 1f}, {1f, -0.2f}, {-1f, 0f}}, new int[] {0, 1, 1, 0});
        LabeledFeatures test = new LabeledFeatures(new float[][] {{3f, 0f}}, new int[] {0});
        assertThat(KnnClassifier.predict(train, test, 2, 1, 0.07)).isEqualTo(new int[] {0});
        assertThat(KnnClassifier.predict(train, test, 2, 2, 0.07)).isEqualTo(new int[] {0});
        assertThat(KnnClassifier.predict(train, test, 2, 3, 0.07)).isEqualTo(new int[] {0});
        assertThat(KnnClassifier.predict(train, test, 2, 3, 1e9)).isEqualTo(new int[] {1});
    }

    @Test
    void perClassAccuracyInPercent() {
        LabeledFeatures train = new LabeledFeatures(
                new float[][] {{1f, 0f}, {0f, 1f}, {0.9f, 0.1f}, {0.1f, 0.9f}}, new int[] {0, 1, 0, 1});
        // Class 0: both right; class 1: one of the two test rows sits near class 0.
        LabeledFeatures test = new LabeledFeatures(
                new float[][] {{2f, 0.1f}, {1f, 0f}, {0f, 5f}, {1f, 0.05f}}, new int[] {0, 0, 1, 1});
        assertThat(KnnClassifier.perClassAccuracy(train, test, 2, 2, KnnClassifier.DEFAULT_TEMPERATURE))
                .isEqualTo(new double[] {100.0, 50.0});
    }

    @Test
    void tiesPreferTheLowerTrainIndexThenTheLowerClass() {
        // Two identical train rows of different classes; k = 1 keeps the first one.
        LabeledFeatures train = new LabeledFeatures(new float[][] {{1f, 1f}, {2f, 2f}}, new int[] {1, 0});
        LabeledFeatures test = new LabeledFeatures(new float[][] {{1f, 1f}}, new int[] {1});
        assertThat(KnnClassifier.predict(train, test, 2, 1, 0.07)).isEqualTo(new int[] {1});
        // k = 2: equal vote totals for classes 0 and 1; the lower class id wins.
        assertThat(KnnClassifier.predict(train, test, 2, 2, 0.07)).isEqualTo(new int[] {0});
    }

    @Test
    void manyTestRowsMatchOneByOne() {
        LabeledFeatures train = LinearProbeTest.clusters(30, 5, 8, 1.0, 1);
        LabeledFeatures test = LinearProbeTest.clusters(40, 5, 8, 1.0, 2); // 200 rows: several parallel blocks
        int[] all = KnnClassifier.predict(train, test, 5, 20, 0.07);
        for (int i = 0; i < test.size(); i += 37) {
            LabeledFeatures one = new LabeledFeatures(new float[][] {test.x()[i]}, new int[] {test.y()[i]});
            assertThat(KnnClassifier.predict(train, one, 5, 20, 0.07)[0]).isEqualTo(all[i]);
        }
        double mean = java.util.Arrays.stream(KnnClassifier.perClassAccuracy(train, test, 5, 20, 0.07))
                .average().orElseThrow();
        assertThat(mean).isGreaterThan(50.0);
    }

    /** Several k from one search equal a brute-force search per k (sort all train rows, vote with the top k). */
    @Test
    void severalKFromOneSearchMatchBruteForcePerK() {
        LabeledFeatures train = LinearProbeTest.clusters(40, 4, 6, 3.0, 5); // wide clusters: k changes answers
        LabeledFeatures test = LinearProbeTest.clusters(30, 4, 6, 3.0, 6);
        int[] ks = {150, 1, 7, 40};
        int[][] pred = KnnClassifier.predict(train, test, 4, ks, 0.07);
        boolean kMatters = false;
        for (int q = 0; q < ks.length; q++) {
            for (int i = 0; i < test.size(); i++) {
                assertThat(pred[q][i]).isEqualTo(bruteForce(train, test.x()[i], 4, ks[q], 0.07));
                kMatters |= pred[q][i] != pred[0][i];
            }
        }
        assertThat(kMatters).isTrue();
        double[][] acc = KnnClassifier.perClassAccuracy(train, test, 4, ks, 0.07);
        for (int q = 0; q < ks.length; q++) {
            assertThat(acc[q]).isEqualTo(KnnClassifier.perClassAccuracy(train, test, 4, ks[q], 0.07));
        }
    }

    private static int bruteForce(LabeledFeatures train, float[] query, int numClasses, int k, double t) {
        float[] q = unit(query);
        int n = train.size();
        float[] sim = new float[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            float[] x = unit(train.x()[i]);
            float s = 0;
            for (int j = 0; j < q.length; j++) {
                s += q[j] * x[j];
            }
            sim[i] = s;
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> sim[a] != sim[b] ? Float.compare(sim[b], sim[a]) : Integer.compare(a, b));
        double[] votes = new double[numClasses];
        for (int r = 0; r < k; r++) {
            votes[train.y()[order[r]]] += Math.exp(sim[order[r]] / t);
        }
        int arg = 0;
        for (int c = 1; c < numClasses; c++) {
            if (votes[c] > votes[arg]) {
                arg = c;
            }
        }
        return arg;
    }

    private static float[] unit(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        float inv = norm > 0 ? (float) (1.0 / Math.sqrt(norm)) : 0f;
        float[] out = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            out[j] = v[j] * inv;
        }
        return out;
    }
}
