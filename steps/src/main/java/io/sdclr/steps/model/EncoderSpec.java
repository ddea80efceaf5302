package io.sdclr.steps.model;

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
 * }</pre>
 */
public record EncoderSpec(
        String method, String arch, double width, int channels, int imageSize, List<Double> mean, List<Double> std)
        implements Serializable {

    /** Output size of the projection head; 128 at every width (SDCLR, models/resnet_prune_multibn.py proj_head). */
    public static final int PROJECTION_DIM = 128;

    public EncoderSpec {
        if (!"simclr".equals(method) && !"sdclr".equals(method)) {
            throw new InvalidInputException("encoder method is \"%s\", expected \"simclr\" or \"sdclr\"", method);
        }
        if (!"resnet18".equals(arch)) {
            throw new InvalidInputException("encoder arch is \"%s\", expected \"resnet18\"", arch);
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

    /** Backbone feature size = round(512 * width). */
    public int featureDim() {
        return stageWidth(3);
    }

    /** Channels of stage {@code s} (0..3): round(64 * 2^s * width). */
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
