package io.sdclr.examples;

import io.sdclr.steps.data.ReadCifar;
import io.sdclr.steps.subset.SplitFiles;
import java.util.List;

/** SimCLR vs SDCLR on CIFAR-10-LT with the paper's settings (n_max 4,500, r 100 → 11,165 images; 5 splits). */
public final class Cifar10Lt extends CifarLt {
    public Cifar10Lt() {
        super(paper("cifar10", 10, "data/cifar-10-batches-bin", 4500, 500),
                "cifar10-lt",
                "SimCLR vs SDCLR on CIFAR-10-LT, the paper's settings (ResNet-18, 2000 epochs, 5 splits; needs a GPU)",
                ReadCifar::cifar10, SplitFiles::officialCifar10);
    }
}
