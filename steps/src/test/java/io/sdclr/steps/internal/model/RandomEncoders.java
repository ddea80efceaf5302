package io.sdclr.steps.internal.model;

import ai.djl.Device;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Method;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Untrained encoders written as the pretrain step writes them: a parameters file and its {@link Encoder} record. */
public final class RandomEncoders {
    private RandomEncoders() {}

    /**
     * Writes a randomly initialised {@link DualBranchResNet} of {@code spec} (initialised from {@code seed}) to
     * {@code params} and returns the record that describes it as the encoder of {@code split}; its method is the
     * spec's.
     */
    public static Encoder write(EncoderSpec spec, long seed, int split, Path params) {
        String sha;
        try (DualBranchResNet net = DualBranchResNet.create(spec, Device.cpu(), seed)) {
            sha = ParamsFile.write(net, params);
        }
        return Encoder.newBuilder().setMethod(Method.valueOf(spec.method().toUpperCase(Locale.ROOT)))
                .setSplit(split).setArch(spec.arch()).setWidth(spec.width()).setChannels(spec.channels())
                .setImageSize(spec.imageSize()).setMean(spec.mean()).setStd(spec.std())
                .setFeatureDim(spec.featureDim()).setEpochs(0).setHyperParameters(Map.of())
                .setLossPerEpoch(List.of()).setParamsFile(params.getFileName().toString()).setParamsSha256(sha)
                .build();
    }
}
