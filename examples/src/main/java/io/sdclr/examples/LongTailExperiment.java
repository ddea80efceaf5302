package io.sdclr.examples;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.Param;
import io.sdclr.dsl.Params;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.Workflow;
import io.sdclr.dsl.WorkflowDefinition;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.ProbeResult;
import io.sdclr.steps.eval.ClassifyKnn;
import io.sdclr.steps.eval.Grouping;
import io.sdclr.steps.eval.ProbeFewShot;
import io.sdclr.steps.eval.ProbeLinear;
import io.sdclr.steps.features.ExtractFeatures;
import io.sdclr.steps.report.WriteReport;
import io.sdclr.steps.subset.BuildLongTail;
import io.sdclr.steps.train.Pretrain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SDCLR experiment: read a dataset, long-tailed subsets, SimCLR and SDCLR pretraining per split, features,
 * linear, few-shot and kNN evaluation, report. Subclasses choose the dataset ({@link #readData}, the input
 * geometry in {@link Defaults}), optionally the source of the splits ({@link #subsetStep}) and the grouping;
 * {@link Smoke}, {@link FmnistLt}, {@link Cifar10Lt}, {@link Cifar100Lt} and {@link ImageNet100Lt} are this
 * workflow with different defaults.
 */
abstract class LongTailExperiment implements WorkflowDefinition {

    /** Dataset facts and the defaults of one named variant. */
    record Defaults(
            String dataset,
            int numClasses,
            String dataDir,
            int channels,
            int imageSize,
            List<Double> mean,
            List<Double> std,
            int trainLimit,
            int testLimit,
            int splits,
            int nMax,
            double imbalance,
            int valPerClass,
            double fewShotFraction,
            String arch,
            double width,
            int epochs,
            int batch,
            int warmupEpochs,
            double prune,
            int probeBatch,
            int probeValidateEvery,
            int fewshotValidateEvery,
            String knnK) {

        /** Fashion-MNIST from Debian's package: 1×28×28, its own mean and std. */
        static Defaults fashionMnist() {
            return new Defaults("fashion-mnist", 10, FASHION_MNIST, 1, 28, List.of(0.2860), List.of(0.3530), 0, 0, 3,
                    4500, 100, 500, 0.01, "resnet18", 0.25, 5, 256, 1, 0.9, 128, 1, 5, "200,20");
        }

        Defaults limits(int train, int test) {
            return new Defaults(dataset, numClasses, dataDir, channels, imageSize, mean, std, train, test, splits,
                    nMax, imbalance, valPerClass, fewShotFraction, arch, width, epochs, batch, warmupEpochs, prune,
                    probeBatch, probeValidateEvery, fewshotValidateEvery, knnK);
        }

        Defaults subset(int splits, int nMax, double imbalance, int valPerClass, double fewShotFraction) {
            return new Defaults(dataset, numClasses, dataDir, channels, imageSize, mean, std, trainLimit, testLimit,
                    splits, nMax, imbalance, valPerClass, fewShotFraction, arch, width, epochs, batch, warmupEpochs,
                    prune, probeBatch, probeValidateEvery, fewshotValidateEvery, knnK);
        }

        Defaults pretrain(String arch, double width, int epochs, int batch, int warmupEpochs, double prune) {
            return new Defaults(dataset, numClasses, dataDir, channels, imageSize, mean, std, trainLimit, testLimit,
                    splits, nMax, imbalance, valPerClass, fewShotFraction, arch, width, epochs, batch, warmupEpochs,
                    prune, probeBatch, probeValidateEvery, fewshotValidateEvery, knnK);
        }

        Defaults evaluation(int probeBatch, int probeValidateEvery, int fewshotValidateEvery, String knnK) {
            return new Defaults(dataset, numClasses, dataDir, channels, imageSize, mean, std, trainLimit, testLimit,
                    splits, nMax, imbalance, valPerClass, fewShotFraction, arch, width, epochs, batch, warmupEpochs,
                    prune, probeBatch, probeValidateEvery, fewshotValidateEvery, knnK);
        }
    }

    static final String FASHION_MNIST = "/usr/share/datasets/fashion-mnist";
    static final List<String> METHODS = List.of("simclr", "sdclr");

    final Defaults defaults;
    final Param<String> dataDir;
    final Param<Integer> trainLimit;
    final Param<Integer> testLimit;
    final Param<Integer> splits;
    final Param<Integer> nMax;
    final Param<Double> imbalance;
    final Param<Integer> valPerClass;
    final Param<Double> fewShotFraction;
    final Param<String> arch;
    final Param<Double> width;
    final Param<Integer> epochs;
    final Param<Integer> batch;
    final Param<Double> lr = Param.decimal("pretrain.lr", 0.5, "pretraining lr at batch 512 (scaled by batch/512)")
            .requiring(v -> v > 0, "be > 0");
    final Param<Double> temperature = Param.decimal("pretrain.temperature", 0.2, "NT-Xent temperature")
            .requiring(v -> v > 0, "be > 0");
    final Param<Double> prune;
    final Param<Integer> warmupEpochs;
    final Param<Integer> checkpointEvery = Param.integer("pretrain.checkpointEvery", 1,
            "checkpoint every N epochs (0 = never); not part of the cache key").atLeast(0);
    final Param<Double> probeLr = Param.decimal("probe.lr", 30, "linear probe learning rate")
            .requiring(v -> v > 0, "be > 0");
    final Param<Integer> probeEpochs = Param.integer("probe.epochs", 30, "linear probe epochs (decay at 1/3, 2/3)")
            .atLeast(1);
    final Param<Integer> probeBatch;
    final Param<Integer> probeValidateEvery;
    final Param<Integer> fewshotValidateEvery;
    final Param<Boolean> probeAugment = Param.bool("probe.augment", false,
            "train the linear probe on augmented images through the frozen encoder (official RandomCrop(size, "
                    + "padding=4) + flip; ~100x slower); default: cached un-augmented features");
    final Param<Boolean> fewshotAugment = Param.bool("fewshot.augment", false,
            "the same for the few-shot probe");
    final Param<Double> fewshotLr = Param.decimal("fewshot.lr", 30, "few-shot probe learning rate")
            .requiring(v -> v > 0, "be > 0");
    final Param<Integer> fewshotEpochs = Param.integer("fewshot.epochs", 100,
            "few-shot probe epochs (decay at 40%, 60%)").atLeast(1);
    final Param<String> knnK;
    final Param<Long> seed = Param.longValue("seed", 1, "seed of splits, initialisation, augmentation, probes");

    LongTailExperiment(Defaults d) {
        this.defaults = d;
        dataDir = Param.string("data.dir", d.dataDir(), dataDirDescription());
        trainLimit = Param.integer("data.trainLimit", d.trainLimit(), "read the first N training images (0 = all)")
                .atLeast(0);
        testLimit = Param.integer("data.testLimit", d.testLimit(), "read the first N test images (0 = all)")
                .atLeast(0);
        splits = Param.integer("subset.splits", d.splits(), "long-tailed splits (paper: 5)").atLeast(1);
        nMax = Param.integer("subset.nMax", d.nMax(), "images of the head class").atLeast(1);
        imbalance = Param.decimal("subset.imbalance", d.imbalance(), "head/tail size ratio r").atLeast(1);
        valPerClass = Param.integer("subset.valPerClass", d.valPerClass(), "held-out validation images per class")
                .atLeast(1);
        fewShotFraction = Param.decimal("subset.fewShotFraction", d.fewShotFraction(),
                "size of the few-shot set S_b as a fraction of the pool").requiring(v -> v > 0 && v < 1, "be in (0, 1)");
        arch = Param.string("pretrain.arch", d.arch(),
                        "encoder: resnet18 (CIFAR variant: 3x3 stem, no max-pool) or resnet50 (ImageNet variant)")
                .requiring(v -> v.equals("resnet18") || v.equals("resnet50"), "be resnet18 or resnet50");
        width = Param.decimal("pretrain.width", d.width(), "ResNet width multiplier (1 = the paper's network)")
                .requiring(v -> v > 0 && v <= 4, "be in (0, 4]");
        epochs = Param.integer("pretrain.epochs", d.epochs(), "pretraining epochs").atLeast(1);
        batch = Param.integer("pretrain.batch", d.batch(), "pretraining batch size").atLeast(2);
        warmupEpochs = Param.integer("pretrain.warmupEpochs", d.warmupEpochs(), "linear lr warm-up epochs")
                .atLeast(0);
        prune = Param.decimal("pretrain.prune", d.prune(), "SDCLR pruning ratio (paper: 0.9 CIFAR, 0.3 ImageNet)")
                .requiring(v -> v >= 0 && v < 1, "be in [0, 1)");
        probeBatch = Param.integer("probe.batch", d.probeBatch(),
                "batch of the linear and few-shot probes (paper: 128 CIFAR, 512 ImageNet)").atLeast(1);
        probeValidateEvery = Param.integer("probe.validateEvery", d.probeValidateEvery(),
                "validate the linear probe after every N-th epoch; only those epochs can be selected").atLeast(1);
        fewshotValidateEvery = Param.integer("fewshot.validateEvery", d.fewshotValidateEvery(),
                "validate the few-shot probe after every N-th epoch (official: 5 CIFAR, 10 ImageNet)").atLeast(1);
        knnK = Param.string("knn.k", d.knnK(),
                        "kNN neighbour counts, comma-separated; the first is reported as knn, the others as knn<k>")
                .requiring(v -> parses(v), "be distinct positive integers separated by commas, e.g. 200,20");
    }

    private static boolean parses(String ks) {
        try {
            ClassifyKnn.parseK(ks);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** One line for {@code ./sdclr list} about {@code data.dir}. */
    String dataDirDescription() {
        return "directory of the MNIST-layout IDX files (gzipped or not)";
    }

    /** Parameters of this variant beyond the common ones. */
    List<Param<?>> extraParams() {
        return List.of();
    }

    /** Adds the data step ({@code data}): Fashion-MNIST's IDX files by default. */
    Artifact<Image> readData(Workflow wf, Params p) {
        return wf.step("data", io.sdclr.steps.data.ReadIdx.from(p.get(dataDir))
                .limits(p.get(trainLimit), p.get(testLimit)));
    }

    /** The {@code subset} step: long-tailed splits generated by the seeded planner unless a subclass loads files. */
    Step<?, LongTailSplit> subsetStep(Artifact<Image> data, Params p) {
        return BuildLongTail.from(data)
                .dataset(defaults.dataset(), defaults.numClasses())
                .splits(p.get(splits))
                .nMax(p.get(nMax))
                .imbalance(p.get(imbalance))
                .valPerClass(p.get(valPerClass))
                .fewShotFraction(p.get(fewShotFraction))
                .seed(p.get(seed));
    }

    /** Parameters of generated splits; none when a variant always loads split files. */
    List<Param<?>> subsetParams() {
        return List.of(splits, nMax, imbalance, valPerClass, fewShotFraction);
    }

    /** Number of splits the subset step produces. */
    int splitCount(Params p) {
        return p.get(splits);
    }

    /** Side of the square images the data step produces. */
    int imageSize(Params p) {
        return defaults.imageSize();
    }

    /** The Many / Medium / Few rule of the report. */
    Grouping grouping() {
        return Grouping.thirds();
    }

    @Override
    public List<Param<?>> params() {
        List<Param<?>> all = new ArrayList<>(List.of(dataDir, trainLimit, testLimit));
        all.addAll(extraParams());
        all.addAll(subsetParams());
        all.addAll(List.of(arch, width, epochs, batch, lr,
                temperature, prune, warmupEpochs, checkpointEvery, probeLr, probeEpochs, probeBatch,
                probeValidateEvery, probeAugment, fewshotLr, fewshotEpochs, fewshotValidateEvery, fewshotAugment, knnK,
                seed));
        return List.copyOf(all);
    }

    @Override
    public Workflow build(Params p) {
        Workflow wf = Workflow.named(name());
        Artifact<Image> data = readData(wf, p);
        Artifact<LongTailSplit> subset = wf.step("subset", subsetStep(data, p));
        Defaults d = defaults;
        List<Integer> ks = ClassifyKnn.parseK(p.get(knnK));
        for (int k = 0; k < splitCount(p); k++) {
            for (String m : METHODS) {
                String id = m + "-s" + k;
                Artifact<Encoder> encoder = wf.step("pretrain-" + id, Pretrain.method(m)
                        .arch(p.get(arch))
                        .width(p.get(width))
                        .input(d.channels(), imageSize(p), d.mean(), d.std())
                        .epochs(p.get(epochs))
                        .batch(p.get(batch))
                        .lr(p.get(lr))
                        .temperature(p.get(temperature))
                        .prune(p.get(prune))
                        .warmupEpochs(p.get(warmupEpochs))
                        .checkpointEvery(p.get(checkpointEvery))
                        .seed(p.get(seed) + k)
                        .on(data, subset, k));
                Artifact<Feature> features = wf.step("features-" + id, ExtractFeatures.with(encoder).of(data));
                wf.step("probe-" + id, ProbeLinear.on(features, m).groupedBy(subset, k)
                        .epochs(p.get(probeEpochs)).lr(p.get(probeLr)).batch(p.get(probeBatch)).seed(p.get(seed))
                        .validateEvery(p.get(probeValidateEvery)).augmented(encoder, data).augment(p.get(probeAugment)));
                wf.step("fewshot-" + id, ProbeFewShot.on(features, m).shots(subset, k)
                        .epochs(p.get(fewshotEpochs)).lr(p.get(fewshotLr)).batch(p.get(probeBatch))
                        .seed(p.get(seed)).validateEvery(p.get(fewshotValidateEvery)).augmented(encoder, data)
                        .augment(p.get(fewshotAugment)));
                wf.step("knn-" + id, ClassifyKnn.on(features, m).groupedBy(subset, k).k(ks));
            }
        }
        wf.publish(wf.step("report", WriteReport.of(wf.outputsOf(ProbeResult.class))
                .describing(name(), d.dataset(), reportParams(p))
                .groupedBy(grouping())));
        return wf;
    }

    /** Parameters shown in the report: all but execution-only ones. */
    private Map<String, Object> reportParams(Params p) {
        Map<String, Object> m = new TreeMap<>(p.asMap());
        m.remove(checkpointEvery.key());
        return m;
    }
}
