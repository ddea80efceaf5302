package io.sdclr.steps.internal.train;

import io.sdclr.dsl.InvalidInputException;
import io.sdclr.steps.internal.model.EncoderSpec;
import java.io.Serializable;

/**
 * Everything that decides a pretraining run's result. Immutable and serializable (it crosses into Beam).
 *
 * <pre>{@code
 * PretrainConfig cfg = new PretrainConfig(spec, 200, 256, 0.5, 0.2, 0.9, 10, 1e-4, 1L, 10);
 * }</pre>
 *
 * @param lr the learning rate after warm-up, at any batch size (official: 0.5 for batch 512 and 256)
 * @param temperature NT-Xent temperature (0.2 for CIFAR in SDCLR)
 * @param prune pruning ratio p of the pruned branch (SDCLR only; 0.9 for CIFAR-LT)
 * @param warmupEpochs linear warm-up length, then cosine to 1e-6
 * @param checkpointEvery write a resumable checkpoint every this many epochs; 0 = never
 */
public record PretrainConfig(EncoderSpec encoder, int epochs, int batch, double lr, double temperature, double prune,
        int warmupEpochs, double weightDecay, long seed, int checkpointEvery) implements Serializable {

    public PretrainConfig {
        if (encoder == null) {
            throw new InvalidInputException("pretrain encoder spec is missing");
        }
        check(epochs >= 1, "epochs", epochs, ">= 1");
        check(batch >= 2, "batch", batch, ">= 2");
        check(lr > 0 && Double.isFinite(lr), "lr", lr, "> 0");
        check(temperature > 0 && Double.isFinite(temperature), "temperature", temperature, "> 0");
        check(prune >= 0 && prune < 1, "prune", prune, "in [0, 1)");
        check(warmupEpochs >= 0, "warmupEpochs", warmupEpochs, ">= 0");
        check(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay", weightDecay, ">= 0");
        check(checkpointEvery >= 0, "checkpointEvery", checkpointEvery, ">= 0 (0 = never)");
    }

    private static void check(boolean ok, String field, Object value, String expected) {
        if (!ok) {
            throw new InvalidInputException("pretrain %s is %s, expected %s", field, value, expected);
        }
    }
}
