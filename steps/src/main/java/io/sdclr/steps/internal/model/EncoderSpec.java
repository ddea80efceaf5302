package io.sdclr.steps.internal.model;

import io.sdclr.dsl.InvalidInputException;
import java.io.Serializable;
import java.util.List;

/**
 * Architecture of an encoder: which head ({@code method}), which backbone ({@code arch}), the width multiplier
 * and the input format. Immutable and serializable because it crosses into Beam.
 *
 * <pre>{@code
 * EncoderSpec spec = new EncoderSpec("sdclr", "resnet18", 0.25, 1, 28, List.of(0.286), List.of(0.353));
 * int f = spec.featureDim(); // 128
 * EncoderSpec in100 = new EncoderSpec("sdclr", "resnet50", 1, 3, 224, imagenetMean, imagenetStd);
 * int g = in100.featureDim(); // 2048
 * }</pre>
 *
 * <p>Backbones: {@code resnet18} is the CIFAR ResNet-18 (3x3 stem, no max-pool, BasicBlocks [2,2,2,2]) of the
 * CIFAR experiments; {@code resnet50} is the ImageNet ResNet-50 (7x7/2 stem + max-pool, Bottlenecks [3,4,6,3],
 * expansion 4) of the ImageNet-100-LT experiments (SDCLR, models/resnet_prune_multibn.py). See
 * {@link ResNetLayout}.
 */
public record EncoderSpec(
        String method, String arch, double width, int channels, int imageSize, List<Double> mean, List<Double> std)
        implements Serializable {

    /** {@code simclr} / {@code sdclr}: a method as the model code, reports and results name it. */
    public static String methodName(io.sdclr.steps.avro.Method m) {
        return m.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Output size of the projection head; 128 at every width (SDCLR, models/resnet_prune_multibn.py proj_head). */
    public static final int PROJECTION_DIM = 128;

    /** Output channels of a Bottleneck per channel of its 3x3 conv (models/resnet_prune_multibn.py). */
    static final int BOTTLENECK_EXPANSION = 4;

    public EncoderSpec {
        if (!"simclr".equals(method) && !"sdclr".equals(method)) {
            throw new InvalidInputException("encoder method is \"%s\", expected \"simclr\" or \"sdclr\"", method);
        }
        if (!"resnet18".equals(arch) && !"resnet50".equals(arch)) {
            throw new InvalidInputException("encoder arch is \"%s\", expected \"resnet18\" or \"resnet50\"", arch);
        }
        if (!(width > 0) || Math.round(64 * width) < 1) {
            throw new InvalidInputException("encoder width is %s, expected a value with round(64*width) >= 1", width);
        }
        if (channels != 1 && channels != 3) {
            throw new InvalidInputException("encoder channels is %d, expected 1 or 3", channels);
        }
        if (imageSize < 4) {
            throw new InvalidInputException("encoder imageSize is %d, expected >= 4", imageSize);
        }
        if (mean == null || std == null || mean.size() != channels || std.size() != channels) {
            throw new InvalidInputException(
                    "encoder mean %s / std %s must each have %d value(s), one per channel", mean, std, channels);
        }
        for (Double s : std) {
            if (s == null || !(s > 0)) {
                throw new InvalidInputException("encoder std %s must be positive", std);
            }
        }
        mean = List.copyOf(mean);
        std = List.copyOf(std);
    }

    /**
     * Backbone feature size: the channels out of the last stage, round(512 * width) for ResNet-18 and
     * 4 * round(512 * width) (2048 at width 1) for ResNet-50.
     */
    public int featureDim() {
        return "resnet50".equals(arch) ? BOTTLENECK_EXPANSION * stageWidth(3) : stageWidth(3);
    }

    /**
     * Base channels of stage {@code s} (0..3): round(64 * 2^s * width). The stem has stageWidth(0) channels; a
     * ResNet-18 stage has this many channels, a ResNet-50 stage has it inside its Bottlenecks and 4 times it out.
     */
    public int stageWidth(int s) {
        return (int) Math.round((64 << s) * width);
    }

    /** True when the encoder is trained against its pruned self (dual BN, 3-layer head). */
    public boolean isSdclr() {
        return "sdclr".equals(method);
    }

    /** Number of pixels values of one image: channels * imageSize * imageSize. */
    public int pixels() {
        return channels * imageSize * imageSize;
    }
}
