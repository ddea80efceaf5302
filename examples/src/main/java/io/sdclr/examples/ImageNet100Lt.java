package io.sdclr.examples;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.Param;
import io.sdclr.dsl.Params;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.Workflow;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.data.ReadImageFolder;
import io.sdclr.steps.report.Grouping;
import io.sdclr.steps.subset.LoadSplits;
import io.sdclr.steps.subset.SplitFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * SimCLR vs SDCLR on ImageNet-100-LT with the paper's settings (ResNet-50, 500 epochs, batch 256, lr 0.5, τ 0.2 for
 * SimCLR and 0.3 for SDCLR, pruning 0.3, probes with batch 512 trained on augmented images), on the official SDCLR
 * list files: D_i {@code imageNet_100_LT_train.txt}, D_b {@code imageNet_100_BL_train.txt}, S_b {@code
 * imageNet_100_sub_balance_train_0.01.txt}, validation {@code ImageNet_100_val.txt}, test {@code
 * ImageNet_100_test.txt}. One split, as in the paper. Groups by D_i count: Many > 100, Few < 20.
 */
public final class ImageNet100Lt extends LongTailExperiment {
    /** Read while the workflow is built: it decides which list files the data step reads. */
    static final Param<String> TRAIN_LIST = Param.string("data.trainList", "",
            "the full ImageNet-100 training list (relative/path label lines); empty = the union of D_i, D_b, S_b");

    public ImageNet100Lt() {
        super(new Defaults("imagenet-100", 100, "data/imagenet", 3, 224, List.of(0.485, 0.456, 0.406),
                List.of(0.229, 0.224, 0.225), 0, 0, 1, 1, 1, 1, 0.01, "resnet50", 1.0, 500, 256, 10, 0.3, 512, 2, 10,
                List.of(200, 20), 0.5, 0.2, 0.3, true));
    }

    @Override
    public String name() {
        return "imagenet100-lt";
    }

    @Override
    public String description() {
        return "SimCLR vs SDCLR on ImageNet-100-LT, the paper's settings and official lists (ResNet-50; needs a GPU)";
    }

    private Path splitDirOf(Params p) {
        String dir = p.get(LoadSplits.SPLIT_DIR);
        return dir.isEmpty() ? Path.of(p.get(ReadImageFolder.DIR.withDefault(defaults.dataDir())), "split")
                : Path.of(dir);
    }

    /**
     * What the data step reads as TRAIN: the full training list when given (then the linear probe's pool is the
     * full balanced set, as in the paper), else D_i, D_b and S_b's lists; plus the validation list.
     */
    private List<Path> trainLists(Params p) {
        Path dir = splitDirOf(p).resolve("imagenet-100");
        List<Path> lists = new ArrayList<>();
        if (p.get(TRAIN_LIST).isEmpty()) {
            lists.add(dir.resolve("imageNet_100_LT_train.txt"));
            lists.add(dir.resolve("imageNet_100_BL_train.txt"));
            lists.add(dir.resolve("imageNet_100_sub_balance_train_0.01.txt"));
        } else {
            lists.add(Path.of(p.get(TRAIN_LIST)));
        }
        lists.add(dir.resolve("ImageNet_100_val.txt"));
        return lists;
    }

    @Override
    Artifact<Image> readData(Workflow wf, Params p) {
        return wf.step("data", ReadImageFolder.from(Path.of(defaults.dataDir()))
                .train(trainLists(p))
                .test(List.of(splitDirOf(p).resolve("imagenet-100").resolve("ImageNet_100_test.txt")))
                .numClasses(defaults.numClasses())
                .size(defaults.imageSize())
                .channels(3)
                .limits(defaults.trainLimit(), defaults.testLimit()));
    }

    @Override
    Step<LongTailSplit> subsetStep(Artifact<Image> data, Params p) {
        return LoadSplits.from(data, SplitFiles.officialImageNet100(splitDirOf(p), trainLists(p)))
                .dataset(defaults.dataset(), defaults.numClasses());
    }

    /** train_imagenet.py trains the probes with RandomResizedCrop(224) + flip (of the stored centre crop here). */
    @Override
    String probeTransform() {
        return "resized-crop";
    }

    @Override
    Grouping grouping() {
        return Grouping.thresholds(100, 20);
    }
}
