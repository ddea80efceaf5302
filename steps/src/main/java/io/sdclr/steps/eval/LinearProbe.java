package io.sdclr.steps.eval;

import io.sdclr.steps.internal.metrics.Accuracy;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Softmax linear classifier trained on frozen features, as the SDCLR linear and few-shot evaluations do it.
 *
 * <pre>{@code
 * ProbeOutcome o = LinearProbe.train(poolFeatures, valFeatures, testFeatures, 10, ProbeConfig.linear(seed));
 * double[] perClass = o.perClassTestAccuracy();   // percent, at the epoch with the best validation top-1
 * // Training rows that change every epoch (augmented images through a frozen encoder), with progress lines:
 * ProbeOutcome a = LinearProbe.train(augmentedRows, valFeatures, testFeatures, 10, cfg, System.err::println);
 * }</pre>
 *
 * <p>The model is {@code logits = x W + b} with cross-entropy loss averaged over the mini-batch. Weights start
 * N(0, 0.01²) (std 0.01) and the bias at 0, as the official code initialises the new fc layer. The optimiser is
 * PyTorch's SGD: {@code g += wd * w; v = momentum * v + g; w -= lr * v} (no dampening, no Nesterov, buffer starting
 * at the first gradient). The learning rate follows {@link ProbeConfig#lrAt}. Each epoch takes its training rows
 * from an {@link EpochFeatures} (the same cached features every epoch unless augmented) and visits them in a fresh
 * seeded permutation; the last partial batch is kept. After each epoch, the validation top-1 is measured and the
 * weights of the first epoch with the best value are kept; their test accuracy is reported.
 *
 * <p>Single-threaded with a fixed summation order, so the result depends only on the input and the config.
 */
final class LinearProbe {

    private LinearProbe() {}

    /** Trains the probe on the same features every epoch; see the class comment. */
    public static ProbeOutcome train(
            LabeledFeatures train, LabeledFeatures val, LabeledFeatures test, int numClasses, ProbeConfig cfg) {
        return run(EpochFeatures.fixed(train), val, test, numClasses, cfg, false, null).outcome();
    }

    /**
     * Trains the probe on rows that {@code train} gives anew every epoch, and reports one line per epoch (epoch,
     * mean training loss, learning rate, validation top-1, images/s, ETA) to {@code progress}.
     */
    public static ProbeOutcome train(EpochFeatures train, LabeledFeatures val, LabeledFeatures test, int numClasses,
            ProbeConfig cfg, Consumer<String> progress) {
        return run(train, val, test, numClasses, cfg, false, progress).outcome();
    }

    /** As {@link #train}, and also records validation and per-class test accuracy after every epoch (slower). */
    public static ProbeTrace trainTraced(
            LabeledFeatures train, LabeledFeatures val, LabeledFeatures test, int numClasses, ProbeConfig cfg) {
        return run(EpochFeatures.fixed(train), val, test, numClasses, cfg, true, null);
    }

    /** As {@link #train(EpochFeatures, LabeledFeatures, LabeledFeatures, int, ProbeConfig, Consumer)}, traced. */
    public static ProbeTrace trainTraced(EpochFeatures train, LabeledFeatures val, LabeledFeatures test,
            int numClasses, ProbeConfig cfg) {
        return run(train, val, test, numClasses, cfg, true, null);
    }

    /**
     * Trains as {@link #train} does and returns what the chosen epoch's weights predict for each of {@code sets}
     * (argmax of the logits, ties to the lowest class id): {@code result[i][row]} for {@code sets[i]}. For a
     * classifier whose predictions are the point (PIEs: the same recipe on two networks' features) rather than its
     * test accuracy.
     */
    public static int[][] trainAndPredict(LabeledFeatures train, LabeledFeatures val, int numClasses,
            ProbeConfig cfg, LabeledFeatures... sets) {
        int[][][] out = new int[1][][];
        run(EpochFeatures.fixed(train), val, val, numClasses, cfg, false, null, (w, b) -> {
            out[0] = new int[sets.length][];
            for (int i = 0; i < sets.length; i++) {
                if (sets[i].size() > 0 && sets[i].dim() != train.dim()) {
                    throw new IllegalArgumentException(String.format(
                            "feature dimensions differ: train %d, set %d %d", train.dim(), i, sets[i].dim()));
                }
                out[0][i] = predict(sets[i], w, b, train.dim(), numClasses, cfg.batch());
            }
        });
        return out[0];
    }

    /** Receives the weights of the chosen epoch ({@code w[class][j]}, {@code b[class]}). */
    private interface ChosenWeights {
        void accept(float[][] w, float[] b);
    }

    /**
     * The selection rule: the 0-based index of the first maximum (first best on ties) among the validated epochs
     * (NaN = not validated).
     */
    public static int bestEpochIndex(double[] validationAccuracy) {
        int best = -1;
        for (int e = 0; e < validationAccuracy.length; e++) {
            if (!Double.isNaN(validationAccuracy[e])
                    && (best < 0 || validationAccuracy[e] > validationAccuracy[best])) {
                best = e;
            }
        }
        return best;
    }

    private static ProbeTrace run(
            EpochFeatures source,
            LabeledFeatures val,
            LabeledFeatures test,
            int numClasses,
            ProbeConfig cfg,
            boolean traced,
            Consumer<String> progress) {
        return run(source, val, test, numClasses, cfg, traced, progress, null);
    }

    private static ProbeTrace run(
            EpochFeatures source,
            LabeledFeatures val,
            LabeledFeatures test,
            int numClasses,
            ProbeConfig cfg,
            boolean traced,
            Consumer<String> progress,
            ChosenWeights chosen) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2, was " + numClasses);
        }
        long runStart = System.nanoTime();
        LabeledFeatures train = source.epoch(1);
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
        int bmax = cfg.batch();
        // Weights class-major (w[k][j], PyTorch's [out][in]) and the batch transposed (xt[j][r]): the forward pass
        // and the gradient then are loops of the form a[i] += s * b[i] over separate arrays, which the JIT
        // vectorises. Every sum is still taken in a fixed order, so the numbers do not depend on the machine.
        float[][] w = new float[c][d];
        float[] b = new float[c];
        Random init = new Random(cfg.seed());
        for (float[] wk : w) {
            for (int j = 0; j < d; j++) {
                wk[j] = (float) (init.nextGaussian() * 0.01);
            }
        }
        float[][] vw = new float[c][d];
        float[] vb = new float[c];
        float[][] gw = new float[c][d];
        float[] gb = new float[c];
        float[][] xt = new float[d][bmax];
        float[][] logits = new float[c][bmax]; // becomes the loss gradient in place

        int n = train.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random shuffle = new Random(cfg.seed() ^ 0x5DEECE66DL);
        float momentum = (float) cfg.momentum();
        float wd = (float) cfg.weightDecay();
        int[] y = train.y();

        double[] valHistory = new double[cfg.epochs()];
        double[] lossHistory = new double[cfg.epochs()];
        double[][] testHistory = new double[traced ? cfg.epochs() : 0][];
        float[][] bestW = new float[c][d];
        float[] bestB = b.clone();
        int bestEpoch = -1;
        double bestVal = Double.NEGATIVE_INFINITY;
        boolean firstStep = true;

        long epochStart = runStart;
        for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
            LabeledFeatures rows = epoch == 0 ? train : source.epoch(epoch + 1);
            if (rows != train) {
                checkSameRows(rows, train, epoch + 1);
            }
            float[][] x = rows.x();
            double lossSum = 0;
            float lr = (float) cfg.lrAt(epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = shuffle.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int start = 0; start < n; start += bmax) {
                int m = Math.min(n, start + bmax) - start;
                transpose(x, order, start, m, d, xt);
                forward(xt, m, w, b, d, c, logits);
                // Softmax cross-entropy averaged over the batch: dL/dlogit = (p - onehot) / m.
                float inv = 1f / m;
                for (int r = 0; r < m; r++) {
                    softmaxColumn(logits, r, c);
                    int label = y[order[start + r]];
                    // Only read, for the progress line: the loss is not part of the update.
                    lossSum -= StrictMath.log(Math.max(logits[label][r], Float.MIN_NORMAL));
                    for (int k = 0; k < c; k++) {
                        logits[k][r] *= inv;
                    }
                    logits[label][r] -= inv;
                }
                gradient(x, order, start, m, logits, d, c, gw, gb);
                for (int k = 0; k < c; k++) {
                    sgdStep(w[k], gw[k], vw[k], lr, momentum, wd, firstStep);
                }
                sgdStep(b, gb, vb, lr, momentum, wd, firstStep);
                firstStep = false;
            }
            boolean validated = cfg.validatesAfter(epoch);
            double valAcc = validated ? Accuracy.overall(val.y(), predict(val, w, b, d, c, bmax)) : Double.NaN;
            valHistory[epoch] = valAcc;
            lossHistory[epoch] = lossSum / n;
            if (traced) {
                testHistory[epoch] =
                        Accuracy.perClass(test.y(), predict(test, w, b, d, c, bmax), c, "probe test set");
            }
            if (validated && valAcc > bestVal) { // strict: the first best epoch wins ties
                bestVal = valAcc;
                bestEpoch = epoch;
                for (int k = 0; k < c; k++) {
                    System.arraycopy(w[k], 0, bestW[k], 0, d);
                }
                System.arraycopy(b, 0, bestB, 0, b.length);
            }
            if (progress != null) {
                long now = System.nanoTime();
                double seconds = (now - epochStart) / 1e9;
                double eta = (now - runStart) / 1e9 / (epoch + 1) * (cfg.epochs() - epoch - 1);
                progress.accept(String.format(Locale.ROOT,
                        "epoch %d/%d loss %.4f lr %.4g val %s %.0f img/s ETA %s",
                        epoch + 1, cfg.epochs(), lossHistory[epoch], lr,
                        validated ? String.format(Locale.ROOT, "%.2f%%", valAcc) : "-", n / seconds, hms(eta)));
                epochStart = now;
            }
        }
        double[] perClass =
                Accuracy.perClass(test.y(), predict(test, bestW, bestB, d, c, bmax), c, "probe test set");
        if (chosen != null) {
            chosen.accept(bestW, bestB);
        }
        return new ProbeTrace(new ProbeOutcome(perClass, bestEpoch + 1, bestVal), valHistory, testHistory,
                lossHistory);
    }

    private static void checkSameRows(LabeledFeatures rows, LabeledFeatures first, int epoch) {
        if (rows.size() != first.size() || rows.dim() != first.dim() || !Arrays.equals(rows.y(), first.y())) {
            throw new IllegalStateException(String.format(
                    "epoch %d gave %d training rows of dimension %d, epoch 1 gave %d of dimension %d%s; every epoch"
                            + " must give the same images in the same order",
                    epoch, rows.size(), rows.dim(), first.size(), first.dim(),
                    Arrays.equals(rows.y(), first.y()) ? "" : ", with other labels"));
        }
    }

    private static String hms(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    /** {@code gw[k][j] = sum_r delta[k][r] * x_r[j]}, {@code gb[k] = sum_r delta[k][r]}, summed in row order. */
    private static void gradient(
            float[][] x, int[] order, int start, int m, float[][] delta, int d, int c, float[][] gw, float[] gb) {
        for (int k = 0; k < c; k++) {
            float[] gk = gw[k];
            float[] dk = delta[k];
            Arrays.fill(gk, 0f);
            float sum = 0f;
            for (int r = 0; r < m; r++) {
                float g = dk[r];
                sum += g;
                float[] row = x[order[start + r]];
                for (int j = 0; j < d; j++) {
                    gk[j] += g * row[j];
                }
            }
            gb[k] = sum;
        }
    }

    /** Rows {@code start..start+m)} of {@code x} (through {@code order} if not null) into {@code xt[j][r]}. */
    private static void transpose(float[][] x, int[] order, int start, int m, int d, float[][] xt) {
        for (int r = 0; r < m; r++) {
            float[] row = x[order == null ? start + r : order[start + r]];
            for (int j = 0; j < d; j++) {
                xt[j][r] = row[j];
            }
        }
    }

    /** {@code out[k][r] = b[k] + sum_j w[k][j] * xt[j][r]}, summed in order j = 0..d-1. */
    private static void forward(float[][] xt, int m, float[][] w, float[] b, int d, int c, float[][] out) {
        for (int k = 0; k < c; k++) {
            float[] ok = out[k];
            float[] wk = w[k];
            Arrays.fill(ok, 0, m, b[k]);
            for (int j = 0; j < d; j++) {
                float wkj = wk[j];
                float[] xj = xt[j];
                for (int r = 0; r < m; r++) {
                    ok[r] += wkj * xj[r];
                }
            }
        }
    }

    private static void softmaxColumn(float[][] z, int r, int c) {
        float max = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < c; k++) {
            max = Math.max(max, z[k][r]);
        }
        double sum = 0;
        for (int k = 0; k < c; k++) {
            double e = Math.exp(z[k][r] - max);
            z[k][r] = (float) e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int k = 0; k < c; k++) {
            z[k][r] *= inv;
        }
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

    /** Argmax of the logits per row; ties go to the lowest class id. */
    private static int[] predict(LabeledFeatures set, float[][] w, float[] b, int d, int c, int stride) {
        int[] pred = new int[set.size()];
        float[][] xt = new float[d][stride];
        float[][] logits = new float[c][stride];
        for (int start = 0; start < pred.length; start += stride) {
            int m = Math.min(pred.length, start + stride) - start;
            transpose(set.x(), null, start, m, d, xt);
            forward(xt, m, w, b, d, c, logits);
            for (int r = 0; r < m; r++) {
                int arg = 0;
                for (int k = 1; k < c; k++) {
                    if (logits[k][r] > logits[arg][r]) {
                        arg = k;
                    }
                }
                pred[start + r] = arg;
            }
        }
        return pred;
    }
}
