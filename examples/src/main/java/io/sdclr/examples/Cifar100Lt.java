package io.sdclr.examples;

import io.sdclr.steps.data.ReadCifar;
import io.sdclr.steps.subset.SplitFiles;
import java.util.List;

/** SimCLR vs SDCLR on CIFAR-100-LT with the paper's settings (n_max 450, r 100 → 9,754 images; 5 splits). */
public final class Cifar100Lt extends CifarLt {
    public Cifar100Lt() {
        super(paper("cifar100", 100, "data/cifar-100-binary", 450, 50),
                "cifar100-lt",
                "SimCLR vs SDCLR on CIFAR-100-LT, the paper's settings (ResNet-18, 2000 epochs, 5 splits; needs a GPU)",
                ReadCifar::cifar100, SplitFiles::officialCifar100);
    }
}
