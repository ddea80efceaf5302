package io.sdclr.steps.train;

/**
 * What a pretraining run reports: the mean NT-Xent loss of each epoch (including epochs restored from a
 * checkpoint), the throughput of the epochs run in this process, and the digest of the params file.
 */
public record PretrainOutcome(int epochs, float[] lossPerEpoch, double imagesPerSecond, String paramsSha256) {}
