package io.sdclr.steps.subset;

import java.io.Serializable;

/**
 * Parameters of the long-tailed subsets (SDCLR protocol, "Long-tailed subsets").
 *
 * <pre>{@code
 * LongTailSpec spec = LongTailSpec.cifar10(42);                      // 5 splits, nMax 4500, r 100, 500 val/class
 * LongTailSpec small = new LongTailSpec(3, 450, 100, 50, 0.01, 7);
 * }</pre>
 *
 * @param splits number of independent long-tailed splits (the paper uses 5)
 * @param nMax images kept for the head class
 * @param imbalance imbalance factor r = n_head / n_tail (100 in the paper); 1 gives a balanced D_i
 * @param valPerClass images per class held out once as the validation set (500 for CIFAR-10, i.e. 5,000)
 * @param fewShotFraction size of the few-shot set S_b as a fraction of the training pool (0.01 in the paper)
 * @param seed seed of every random choice (validation set, class orders, per-class permutations)
 */
record LongTailSpec(int splits, int nMax, double imbalance, int valPerClass, double fewShotFraction, long seed)
        implements Serializable {

    public LongTailSpec {
        if (splits <= 0) {
            throw new IllegalArgumentException("splits must be > 0, was " + splits);
        }
        if (nMax <= 0) {
            throw new IllegalArgumentException("nMax must be > 0, was " + nMax);
        }
        if (!(imbalance >= 1) || Double.isInfinite(imbalance)) {
            throw new IllegalArgumentException("imbalance must be a finite number >= 1, was " + imbalance);
        }
        if (valPerClass <= 0) {
            throw new IllegalArgumentException(
                    "valPerClass must be > 0 (the probes choose their epoch on the validation set), was "
                            + valPerClass);
        }
        if (!(fewShotFraction > 0 && fewShotFraction <= 1)) {
            throw new IllegalArgumentException("fewShotFraction must be in (0, 1], was " + fewShotFraction);
        }
    }

    /** The paper's CIFAR-10-LT setting: 5 splits, nMax 4500, r 100, 500 validation images per class, S_b 1%. */
    public static LongTailSpec cifar10(long seed) {
        return new LongTailSpec(5, 4500, 100, 500, 0.01, seed);
    }

    /** The paper's CIFAR-100-LT setting: 5 splits, nMax 450, r 100, 50 validation images per class, S_b 1%. */
    public static LongTailSpec cifar100(long seed) {
        return new LongTailSpec(5, 450, 100, 50, 0.01, seed);
    }

    public LongTailSpec withSplits(int splits) {
        return new LongTailSpec(splits, nMax, imbalance, valPerClass, fewShotFraction, seed);
    }

    public LongTailSpec withNMax(int nMax) {
        return new LongTailSpec(splits, nMax, imbalance, valPerClass, fewShotFraction, seed);
    }

    public LongTailSpec withImbalance(double imbalance) {
        return new LongTailSpec(splits, nMax, imbalance, valPerClass, fewShotFraction, seed);
    }

    public LongTailSpec withValPerClass(int valPerClass) {
        return new LongTailSpec(splits, nMax, imbalance, valPerClass, fewShotFraction, seed);
    }

    public LongTailSpec withFewShotFraction(double fewShotFraction) {
        return new LongTailSpec(splits, nMax, imbalance, valPerClass, fewShotFraction, seed);
    }

    public LongTailSpec withSeed(long seed) {
        return new LongTailSpec(splits, nMax, imbalance, valPerClass, fewShotFraction, seed);
    }

    /**
     * D_i size of the class at tail position {@code i} (0 = head) of {@code numClasses}:
     * {@code (int) (nMax * (1/r)^(i/(C-1)))}, the exponential profile of the official split code (after LDAM's
     * {@code get_img_num_per_cls}). CIFAR-10, nMax 4500, r 100: 4500, 2697, 1617, 969, 581, 348, 208, 125, 75, 45.
     */
    public int countAt(int i, int numClasses) {
        if (numClasses < 2 || i < 0 || i >= numClasses) {
            throw new IllegalArgumentException(
                    "tail position " + i + " of " + numClasses + " classes: need 0 <= i < numClasses, numClasses >= 2");
        }
        return (int) (nMax * Math.pow(1.0 / imbalance, i / (numClasses - 1.0)));
    }
}
