package io.sdclr.examples;

import java.util.List;

/**
 * The whole SDCLR workflow at toy scale (3,000 training images, one split, one epoch, a width-0.25 ResNet-18):
 * checks in well under a minute that every stage runs on real Fashion-MNIST.
 */
public final class Smoke extends LongTailExperiment {
    public Smoke() {
        super(Defaults.fashionMnist().limits(3000, 1000).subset(1, 200, 10, 50, 0.01)
                .pretrain("resnet18", 0.25, 1, 128, 0, 0.9, 0.125).evaluation(128, 1, 5, List.of(20, 10)));
    }

    @Override
    public String name() {
        return "smoke";
    }

    @Override
    public String description() {
        return "toy-scale SimCLR vs SDCLR on 3k Fashion-MNIST images, 1 split, 1 epoch (end-to-end check)";
    }
}
