package io.sdclr.steps.eval;

import java.io.Serializable;
import java.util.List;

/**
 * Training settings of a linear probe on frozen features (SDCLR protocol, "Evaluation").
 *
 * <pre>{@code
 * ProbeConfig linear = ProbeConfig.linear(seed);                 // lr 30, 30 epochs, x0.1 from 1-based epoch 10 and 20
 * ProbeConfig fewShot = ProbeConfig.fewShot(seed);               // 100 epochs, x0.1 from epoch 40 and 60, validated every 5th
 * ProbeConfig quick = ProbeConfig.linear(seed).withEpochs(5).withDecayEpochs(List.of(3));
 * }</pre>
 *
 * @param epochs passes over the training set
 * @param lr initial learning rate
 * @param momentum SGD momentum (PyTorch semantics: {@code v = m*v + g; w -= lr*v})
 * @param weightDecay L2 coefficient added to the gradient
 * @param batch mini-batch size; the last partial batch of an epoch is kept
 * @param decayEpochs 0-based epoch indices at which the learning rate is multiplied by {@code decayFactor}, as
 *     PyTorch's {@code MultiStepLR(milestones)} stepped once per epoch
 * @param decayFactor multiplier applied at each decay epoch
 * @param seed seed of the weight initialisation and the per-epoch shuffling
 * @param validateEvery validate (and so consider for selection) only after every N-th epoch (1-based epoch
 *     numbers divisible by N, as the official {@code --test_freq}); the last epoch when the run is shorter than N
 */
record ProbeConfig(
        int epochs,
        double lr,
        double momentum,
        double weightDecay,
        int batch,
        List<Integer> decayEpochs,
        double decayFactor,
        long seed,
        int validateEvery)
        implements Serializable {

    public ProbeConfig {
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs must be > 0, was " + epochs);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("lr must be a finite number > 0, was " + lr);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), was " + momentum);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be a finite number >= 0, was " + weightDecay);
        }
        if (batch <= 0) {
            throw new IllegalArgumentException("batch must be > 0, was " + batch);
        }
        decayEpochs = List.copyOf(decayEpochs);
        for (int e : decayEpochs) {
            if (e <= 0) {
                throw new IllegalArgumentException("decay epochs must be > 0, was " + decayEpochs);
            }
        }
        if (!(decayFactor > 0 && decayFactor <= 1)) {
            throw new IllegalArgumentException("decayFactor must be in (0, 1], was " + decayFactor);
        }
        if (validateEvery <= 0) {
            throw new IllegalArgumentException("validateEvery must be > 0, was " + validateEvery);
        }
    }

    /** Whether the validation accuracy is measured after epoch {@code epochIndex} (0-based). */
    public boolean validatesAfter(int epochIndex) {
        return (epochIndex + 1) % validateEvery == 0 || (epochs < validateEvery && epochIndex == epochs - 1);
    }

    /**
     * The paper's linear probe: 30 epochs, lr 30, momentum 0.9, wd 0, batch 128, validated every epoch, ×0.1 from
     * 0-based epoch 9 and 19. The official {@code train_cifar.py} steps {@code MultiStepLR(milestones=[10, 20])} at
     * the start of each 1-based epoch, so epoch 10 (index 9) already trains at lr 3 and epoch 20 (index 19) at 0.3.
     */
    public static ProbeConfig linear(long seed) {
        return new ProbeConfig(30, 30, 0.9, 0, 128, List.of(9, 19), 0.1, seed, 1);
    }

    /**
     * The paper's few-shot probe: as {@link #linear} but 100 epochs, ×0.1 from index 39 and 59 (milestones 40, 60),
     * validated every 5th epoch ({@code --test_freq 5} in the official scripts).
     */
    public static ProbeConfig fewShot(long seed) {
        return new ProbeConfig(100, 30, 0.9, 0, 128, List.of(39, 59), 0.1, seed, 5);
    }

    /**
     * Learning rate used during epoch {@code epochIndex} (0-based): {@code lr * decayFactor^(number of decay epochs
     * <= epochIndex)}. With decays at 9 and 19: epochs 0..8 use lr, 9..18 lr*0.1, 19.. lr*0.01.
     */
    public double lrAt(int epochIndex) {
        double rate = lr;
        for (int d : decayEpochs) {
            if (epochIndex >= d) {
                rate *= decayFactor;
            }
        }
        return rate;
    }

    public ProbeConfig withEpochs(int epochs) {
        return new ProbeConfig(epochs, lr, momentum, weightDecay, batch, decayEpochs, decayFactor, seed, validateEvery);
    }

    public ProbeConfig withLr(double lr) {
        return new ProbeConfig(epochs, lr, momentum, weightDecay, batch, decayEpochs, decayFactor, seed, validateEvery);
    }

    public ProbeConfig withMomentum(double momentum) {
        return new ProbeConfig(epochs, lr, momentum, weightDecay, batch, decayEpochs, decayFactor, seed, validateEvery);
    }

    public ProbeConfig withWeightDecay(double weightDecay) {
        return new ProbeConfig(epochs, lr, momentum, weightDecay, batch, decayEpochs, decayFactor, seed, validateEvery);
    }

    public ProbeConfig withBatch(int batch) {
        return new ProbeConfig(epochs, lr, momentum, weightDecay, batch, decayEpochs, decayFactor, seed, validateEvery);
    }

    public ProbeConfig withDecayEpochs(List<Integer> decayEpochs) {
        return new ProbeConfig(epochs, lr, momentum, weightDecay, batch, decayEpochs, decayFactor, seed, validateEvery);
    }

    public ProbeConfig withDecayFactor(double decayFactor) {
        return new ProbeConfig(epochs, lr, momentum, weightDecay, batch, decayEpochs, decayFactor, seed, validateEvery);
    }

    public ProbeConfig withValidateEvery(int validateEvery) {
        return new ProbeConfig(epochs, lr, momentum, weightDecay, batch, decayEpochs, decayFactor, seed, validateEvery);
    }

    public ProbeConfig withSeed(long seed) {
        return new ProbeConfig(epochs, lr, momentum, weightDecay, batch, decayEpochs, decayFactor, seed, validateEvery);
    }
}
