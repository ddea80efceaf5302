package io.sdclr.examples;

/**
 * SimCLR vs SDCLR on Fashion-MNIST-LT, sized for a 2-core CPU: CIFAR-10-LT's profile (n_max 4,500, r 100 →
 * 11,165 images), three splits, a width-0.25 ResNet-18, 5 epochs. Scale up with {@code --set}.
 */
public final class FmnistLt extends LongTailExperiment {
    public FmnistLt() {
        // S_b: 45 images per class as in CIFAR-10-LT, where 1% of the 45,000-image pool equals the tail class's
        // count; Fashion-MNIST's pool is 55,000 images, so the same S_b is 0.818% of it.
        super(Defaults.fashionMnist().subset(3, 4500, 100, 500, 0.00818));
    }

    @Override
    public String name() {
        return "fmnist-lt";
    }

    @Override
    public String description() {
        return "SimCLR vs SDCLR on Fashion-MNIST-LT (CIFAR-10-LT profile, 3 splits), linear/few-shot/kNN report";
    }
}
