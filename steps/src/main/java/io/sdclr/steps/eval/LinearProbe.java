package io.sdclr.steps.eval;

import java.util.Random;

/**
 * Softmax linear classifier trained on frozen features, as the SDCLR linear and few-shot evaluations do it.
 *
 * <pre>{@code
 * ProbeOutcome o = LinearProbe.train(poolFeatures, valFeatures, testFeatures, 10, ProbeConfig.linear(seed));
 * double[] perClass = o.perClassTestAccuracy();   // percent, at the epoch with the best validation top-1
 * }</pre>
 *
 * <p>The model is {@code logits = x W + b} with cross-entropy loss averaged over the mini-batch. Weights start
 * N(0, 0.01²) (std 0.01) and the bias at 0, as the official code initialises the new fc layer. The optimiser is
 * PyTorch's SGD: {@code g += wd * w; v = momentum * v + g; w -= lr * v} (no dampening, no Nesterov, buffer starting
 * at the first gradient). The learning rate follows {@link ProbeConfig#lrAt}. Each epoch visits the training rows
 * in a fresh seeded permutation; the last partial batch is kept. After each epoch, the validation top-1 is
 * measured and the weights of the first epoch with the best value are kept; their test accuracy is reported.
 *
 * <p>Single-threaded with a fixed summation order, so the result depends only on the input and the config.
 */
public final class LinearProbe {

    private LinearProbe() {}

    /** Trains the probe; see the class comment. */
    public static ProbeOutcome train(
            LabeledFeatures train, LabeledFeatures val, LabeledFeatures test, int numClasses, ProbeConfig cfg) {
        return run(train, val, test, numClasses, cfg, false).outcome();
    }

    /** As {@link #train}, and also records validation and per-class test accuracy after every epoch (slower). */
    public static ProbeTrace trainTraced(
            LabeledFeatures train, LabeledFeatures val, LabeledFeatures test, int numClasses, ProbeConfig cfg) {
        return run(train, val, test, numClasses, cfg, true);
    }

    /** The selection rule: the 0-based index of the first maximum (first best on ties). */
    public static int bestEpochIndex(double[] validationAccuracy) {
        int best = 0;
        for (int e = 1; e < validationAccuracy.length; e++) {
            if (validationAccuracy[e] > validationAccuracy[best]) {
                best = e;
            }
        }
        return best;
    }

    private static ProbeTrace run(
            LabeledFeatures train,
            LabeledFeatures val,
            LabeledFeatures test,
            int numClasses,
            ProbeConfig cfg,
            boolean traced) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2, was " + numClasses);
        }
        if (train.size() == 0 || val.size() == 0 || test.size() == 0) {
            throw new IllegalArgumentException(String.format(
                    "probe needs rows in every set: train %d, val %d, test %d", train.size(), val.size(), test.size()));
        }
        int d = train.dim();
        if (val.dim() != d || test.dim() != d) {
            throw new IllegalArgumentException(String.format(
                    "feature dimensions differ: train %d, val %d, test %d", d, val.dim(), test.dim()));
        }
        train.checkLabels("probe training set", numClasses);
        val.checkLabels("probe validation set", numClasses);
        test.checkLabels("probe test set", numClasses);

        int c = numClasses;
        float[] w = new float[d * c]; // row-major [feature][class]: the inner loops run over classes
        float[] b = new float[c];
        Random init = new Random(cfg.seed());
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (init.nextGaussian() * 0.01);
        }
        float[] vw = new float[w.length];
        float[] vb = new float[c];
        float[] gw = new float[w.length];
        float[] gb = new float[c];
        float[] logits = new float[c];
        float[] delta = new float[c];

        int n = train.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random shuffle = new Random(cfg.seed() ^ 0x5DEECE66DL);
        float momentum = (float) cfg.momentum();
        float wd = (float) cfg.weightDecay();

        double[] valHistory = new double[cfg.epochs()];
        double[][] testHistory = new double[traced ? cfg.epochs() : 0][];
        float[] bestW = w.clone();
        float[] bestB = b.clone();
        int bestEpoch = -1;
        double bestVal = Double.NEGATIVE_INFINITY;
        boolean firstStep = true;

        for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
            float lr = (float) cfg.lrAt(epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = shuffle.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int start = 0; start < n; start += cfg.batch()) {
                int end = Math.min(n, start + cfg.batch());
                float inv = 1f / (end - start);
                java.util.Arrays.fill(gw, 0f);
                java.util.Arrays.fill(gb, 0f);
                for (int r = start; r < end; r++) {
                    int row = order[r];
                    float[] x = train.x()[row];
                    forward(x, w, b, logits, d, c);
                    softmaxInPlace(logits);
                    for (int k = 0; k < c; k++) {
                        delta[k] = logits[k] * inv;
                    }
                    delta[train.y()[row]] -= inv;
                    for (int k = 0; k < c; k++) {
                        gb[k] += delta[k];
                    }
                    for (int j = 0, base = 0; j < d; j++, base += c) {
                        float xj = x[j];
                        if (xj == 0f) {
                            continue;
                        }
                        for (int k = 0; k < c; k++) {
                            gw[base + k] += xj * delta[k];
                        }
                    }
                }
                sgdStep(w, gw, vw, lr, momentum, wd, firstStep);
                sgdStep(b, gb, vb, lr, momentum, wd, firstStep);
                firstStep = false;
            }
            double valAcc = Accuracy.overall(val.y(), predict(val, w, b, d, c));
            valHistory[epoch] = valAcc;
            if (traced) {
                testHistory[epoch] = Accuracy.perClass(test.y(), predict(test, w, b, d, c), c, "probe test set");
            }
            if (valAcc > bestVal) { // strict: the first best epoch wins ties
                bestVal = valAcc;
                bestEpoch = epoch;
                System.arraycopy(w, 0, bestW, 0, w.length);
                System.arraycopy(b, 0, bestB, 0, b.length);
            }
        }
        double[] perClass = Accuracy.perClass(test.y(), predict(test, bestW, bestB, d, c), c, "probe test set");
        return new ProbeTrace(new ProbeOutcome(perClass, bestEpoch + 1, bestVal), valHistory, testHistory);
    }

    /** PyTorch SGD: weight decay into the gradient, momentum buffer initialised to the first gradient. */
    private static void sgdStep(float[] p, float[] g, float[] v, float lr, float momentum, float wd, boolean first) {
        for (int i = 0; i < p.length; i++) {
            float grad = g[i] + wd * p[i];
            float buf = first ? grad : momentum * v[i] + grad;
            v[i] = buf;
            p[i] -= lr * buf;
        }
    }

    private static void forward(float[] x, float[] w, float[] b, float[] out, int d, int c) {
        System.arraycopy(b, 0, out, 0, c);
        for (int j = 0, base = 0; j < d; j++, base += c) {
            float xj = x[j];
            for (int k = 0; k < c; k++) {
                out[k] += xj * w[base + k];
            }
        }
    }

    private static void softmaxInPlace(float[] z) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int k = 0; k < z.length; k++) {
            double e = Math.exp(z[k] - max);
            z[k] = (float) e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int k = 0; k < z.length; k++) {
            z[k] *= inv;
        }
    }

    /** Argmax of the logits per row; ties go to the lowest class id. */
    private static int[] predict(LabeledFeatures set, float[] w, float[] b, int d, int c) {
        int[] pred = new int[set.size()];
        float[] logits = new float[c];
        for (int i = 0; i < pred.length; i++) {
            forward(set.x()[i], w, b, logits, d, c);
            int arg = 0;
            for (int k = 1; k < c; k++) {
                if (logits[k] > logits[arg]) {
                    arg = k;
                }
            }
            pred[i] = arg;
        }
        return pred;
    }
}
