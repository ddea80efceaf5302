package io.sdclr.examples;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.Param;
import io.sdclr.dsl.Params;
import io.sdclr.dsl.Workflow;
import io.sdclr.dsl.WorkflowDefinition;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.ProbeResult;
import io.sdclr.steps.data.ReadIdx;
import io.sdclr.steps.eval.ClassifyKnn;
import io.sdclr.steps.eval.ProbeFewShot;
import io.sdclr.steps.eval.ProbeLinear;
import io.sdclr.steps.features.ExtractFeatures;
import io.sdclr.steps.report.WriteReport;
import io.sdclr.steps.subset.BuildLongTail;
import io.sdclr.steps.train.Pretrain;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SDCLR experiment on an MNIST-layout dataset: long-tailed subsets, SimCLR and SDCLR pretraining per split,
 * features, linear, few-shot and kNN evaluation, report. {@link Smoke} and {@link FmnistLt} are this workflow
 * with different defaults.
 */
abstract class LongTailExperiment implements WorkflowDefinition {
    /** Defaults of one named variant. */
    record Defaults(int trainLimit, int testLimit, int splits, int nMax, double imbalance, int valPerClass,
            double fewShotFraction, double width, int epochs, int batch, int warmupEpochs, int knnK) {}

    static final String FASHION_MNIST = "/usr/share/datasets/fashion-mnist";
    static final List<String> METHODS = List.of("simclr", "sdclr");

    final Param<String> dataDir = Param.string("data.dir", FASHION_MNIST, "directory of the MNIST-layout IDX files");
    final Param<Integer> trainLimit;
    final Param<Integer> testLimit;
    final Param<Integer> splits;
    final Param<Integer> nMax;
    final Param<Double> imbalance;
    final Param<Integer> valPerClass;
    final Param<Double> fewShotFraction;
    final Param<String> arch = Param.string("pretrain.arch", "resnet18", "encoder architecture (CIFAR ResNet-18)")
            .requiring(v -> v.equals("resnet18"), "be resnet18");
    final Param<Double> width;
    final Param<Integer> epochs;
    final Param<Integer> batch;
    final Param<Double> lr = Param.decimal("pretrain.lr", 0.5, "pretraining lr at batch 512 (scaled by batch/512)")
            .requiring(v -> v > 0, "be > 0");
    final Param<Double> temperature = Param.decimal("pretrain.temperature", 0.2, "NT-Xent temperature")
            .requiring(v -> v > 0, "be > 0");
    final Param<Double> prune = Param.decimal("pretrain.prune", 0.9, "SDCLR pruning ratio")
            .requiring(v -> v >= 0 && v < 1, "be in [0, 1)");
    final Param<Integer> warmupEpochs;
    final Param<Integer> checkpointEvery = Param.integer("pretrain.checkpointEvery", 1,
            "checkpoint every N epochs (0 = never); not part of the cache key").atLeast(0);
    final Param<Double> probeLr = Param.decimal("probe.lr", 30, "linear probe learning rate")
            .requiring(v -> v > 0, "be > 0");
    final Param<Integer> probeEpochs = Param.integer("probe.epochs", 30, "linear probe epochs (decay at 1/3, 2/3)")
            .atLeast(1);
    final Param<Double> fewshotLr = Param.decimal("fewshot.lr", 30, "few-shot probe learning rate")
            .requiring(v -> v > 0, "be > 0");
    final Param<Integer> fewshotEpochs = Param.integer("fewshot.epochs", 100,
            "few-shot probe epochs (decay at 40%, 60%)").atLeast(1);
    final Param<Integer> knnK;
    final Param<Long> seed = Param.longValue("seed", 1, "seed of splits, initialisation, augmentation, probes");

    LongTailExperiment(Defaults d) {
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
        width = Param.decimal("pretrain.width", d.width(), "ResNet width multiplier (1 = 64..512 channels)")
                .requiring(v -> v > 0 && v <= 4, "be in (0, 4]");
        epochs = Param.integer("pretrain.epochs", d.epochs(), "pretraining epochs").atLeast(1);
        batch = Param.integer("pretrain.batch", d.batch(), "pretraining batch size").atLeast(2);
        warmupEpochs = Param.integer("pretrain.warmupEpochs", d.warmupEpochs(), "linear lr warm-up epochs")
                .atLeast(0);
        knnK = Param.integer("knn.k", d.knnK(), "neighbours of the kNN classifier").atLeast(1);
    }

    @Override
    public List<Param<?>> params() {
        return List.of(dataDir, trainLimit, testLimit, splits, nMax, imbalance, valPerClass, fewShotFraction, arch, width, epochs,
                batch, lr, temperature, prune, warmupEpochs, checkpointEvery, probeLr, probeEpochs, fewshotLr,
                fewshotEpochs, knnK, seed);
    }

    @Override
    public Workflow build(Params p) {
        Workflow wf = Workflow.named(name());
        Artifact<Image> data = wf.step("data", ReadIdx.from(p.get(dataDir))
                .limits(p.get(trainLimit), p.get(testLimit)));
        Artifact<LongTailSplit> subset = wf.step("subset", BuildLongTail.from(data)
                .dataset("fashion-mnist", 10)
                .splits(p.get(splits))
                .nMax(p.get(nMax))
                .imbalance(p.get(imbalance))
                .valPerClass(p.get(valPerClass))
                .fewShotFraction(p.get(fewShotFraction))
                .seed(p.get(seed)));
        for (int k = 0; k < p.get(splits); k++) {
            for (String m : METHODS) {
                String id = m + "-s" + k;
                Artifact<Encoder> encoder = wf.step("pretrain-" + id, Pretrain.method(m)
                        .width(p.get(width))
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
                        .epochs(p.get(probeEpochs)).lr(p.get(probeLr)).seed(p.get(seed)));
                wf.step("fewshot-" + id, ProbeFewShot.on(features, m).shots(subset, k)
                        .epochs(p.get(fewshotEpochs)).lr(p.get(fewshotLr)).seed(p.get(seed)));
                wf.step("knn-" + id, ClassifyKnn.on(features, m).groupedBy(subset, k).k(p.get(knnK)));
            }
        }
        wf.publish(wf.step("report", WriteReport.of(wf.outputsOf(ProbeResult.class))
                .describing(name(), "fashion-mnist", reportParams(p))));
        return wf;
    }

    /** Parameters shown in the report: all but execution-only ones. */
    private Map<String, Object> reportParams(Params p) {
        Map<String, Object> m = new TreeMap<>(p.asMap());
        m.remove(checkpointEvery.key());
        return m;
    }
}
