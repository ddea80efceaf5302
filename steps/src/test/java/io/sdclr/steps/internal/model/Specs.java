package io.sdclr.steps.internal.model;

import java.util.List;

/** Tiny encoder specs for tests: width 0.25 (16..128 channels, see OneDnnGuard), 1 x 8 x 8 images. */
public final class Specs {
    private Specs() {}

    public static EncoderSpec tiny(String method) {
        return new EncoderSpec(method, "resnet18", 0.25, 1, 8, List.of(0.5), List.of(0.25));
    }
}
