package io.sdclr.examples;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.Param;
import io.sdclr.dsl.Params;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.Workflow;
import io.sdclr.dsl.WorkflowDefinition;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.Method;
import io.sdclr.steps.avro.PieAnalysis;
import io.sdclr.steps.avro.ProbeResult;
import io.sdclr.steps.data.ReadIdx;
import io.sdclr.steps.eval.AnalysePies;
import io.sdclr.steps.eval.ClassifyKnn;
import io.sdclr.steps.report.Grouping;
import io.sdclr.steps.eval.ProbeFewShot;
import io.sdclr.steps.eval.ProbeLinear;
import io.sdclr.steps.features.ExtractFeatures;
import io.sdclr.steps.report.WriteReport;
import io.sdclr.steps.subset.BuildLongTail;
import io.sdclr.steps.subset.LoadSplits;
import io.sdclr.steps.train.Pretrain;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SDCLR experiment: read a dataset, long-tailed subsets, SimCLR and SDCLR pretraining per split (plus the
 * balanced control, SimCLR on D_b, unless {@code control.balanced=false}), features, linear, few-shot and kNN
 * evaluation, the PIE analysis of every encoder, and the report with curves and PIEs. The parameters are those the
 * steps declare; the values in {@link Defaults} are this workflow's defaults for them, given to the steps with
 * their {@code withX} methods. Subclasses choose the dataset ({@link #readData}), optionally the source of the
 * splits ({@link #subsetStep}) and the grouping; {@link Smoke}, {@link FmnistLt}, {@link Cifar10Lt}, {@link
 * Cifar100Lt} and {@link ImageNet100Lt} are this workflow with different defaults.
 */
abstract class LongTailExperiment implements WorkflowDefinition {

    /**
     * Dataset facts and the defaults of one named variant.
     *
     * @param lr pretraining learning rate (the value used, at any batch size)
     * @param temperature NT-Xent temperature of SimCLR
     * @param sdclrTemperature NT-Xent temperature of SDCLR (0.3 on ImageNet-100-LT in the official runs)
     * @param probeAugment whether the linear and few-shot probes train on augmented images (the official way)
     */
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
            List<Integer> knnK,
            double lr,
            double temperature,
            double sdclrTemperature,
            boolean probeAugment) {

        /**
         * Fashion-MNIST from Debian's package: 1×28×28, its own mean and std; lr 0.25 at batch 256 (the effective
         * value the CPU demo was tuned with), probes on cached features (augmented probes are ~100× slower).
         */
        static Defaults fashionMnist() {
            return new Defaults("fashion-mnist", 10, FASHION_MNIST, 1, 28, List.of(0.2860), List.of(0.3530), 0, 0, 3,
                    4500, 100, 500, 0.01, "resnet18", 0.25, 5, 256, 1, 0.9, 128, 1, 5, List.of(200, 20), 0.25, 0.2,
                    0.2, false);
        }

        Defaults limits(int train, int test) {
            return new Defaults(dataset, numClasses, dataDir, channels, imageSize, mean, std, train, test, splits,
                    nMax, imbalance, valPerClass, fewShotFraction, arch, width, epochs, batch, warmupEpochs, prune,
                    probeBatch, probeValidateEvery, fewshotValidateEvery, knnK, lr, temperature, sdclrTemperature,
                    probeAugment);
        }

        Defaults subset(int splits, int nMax, double imbalance, int valPerClass, double fewShotFraction) {
            return new Defaults(dataset, numClasses, dataDir, channels, imageSize, mean, std, trainLimit, testLimit,
                    splits, nMax, imbalance, valPerClass, fewShotFraction, arch, width, epochs, batch, warmupEpochs,
                    prune, probeBatch, probeValidateEvery, fewshotValidateEvery, knnK, lr, temperature,
                    sdclrTemperature, probeAugment);
        }

        Defaults pretrain(String arch, double width, int epochs, int batch, int warmupEpochs, double prune,
                double lr) {
            return new Defaults(dataset, numClasses, dataDir, channels, imageSize, mean, std, trainLimit, testLimit,
                    splits, nMax, imbalance, valPerClass, fewShotFraction, arch, width, epochs, batch, warmupEpochs,
                    prune, probeBatch, probeValidateEvery, fewshotValidateEvery, knnK, lr, temperature,
                    sdclrTemperature, probeAugment);
        }

        Defaults evaluation(int probeBatch, int probeValidateEvery, int fewshotValidateEvery, List<Integer> knnK) {
            return new Defaults(dataset, numClasses, dataDir, channels, imageSize, mean, std, trainLimit, testLimit,
                    splits, nMax, imbalance, valPerClass, fewShotFraction, arch, width, epochs, batch, warmupEpochs,
                    prune, probeBatch, probeValidateEvery, fewshotValidateEvery, knnK, lr, temperature,
                    sdclrTemperature, probeAugment);
        }

        /** The temperature of {@code m}'s pretraining. */
        double temperatureOf(Method m) {
            return m == Method.SDCLR ? sdclrTemperature : temperature;
        }
    }

    static final String FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

    final Defaults defaults;

    LongTailExperiment(Defaults d) {
        this.defaults = d;
    }

    /** Adds the data step ({@code data}): Fashion-MNIST's IDX files by default. */
    Artifact<Image> readData(Workflow wf, Params p) {
        return wf.step("data", ReadIdx.from(defaults.dataDir())
                .limits(defaults.trainLimit(), defaults.testLimit()));
    }

    /** The {@code subset} step: long-tailed splits generated by the seeded planner unless a subclass loads files. */
    Step<LongTailSplit> subsetStep(Artifact<Image> data, Params p) {
        Defaults d = defaults;
        return BuildLongTail.from(data)
                .dataset(d.dataset(), d.numClasses())
                .splits(d.splits())
                .nMax(d.nMax())
                .imbalance(d.imbalance())
                .valPerClass(d.valPerClass())
                .fewShotFraction(d.fewShotFraction());
    }

    /** The number of splits the subset step, as configured for this run, produces. */
    static int splitCount(Step<LongTailSplit> subset) {
        if (subset instanceof BuildLongTail b) {
            return b.splitCount();
        }
        return ((LoadSplits) subset).splitCount();
    }

    /** The Many / Medium / Few rule of the report. */
    Grouping grouping() {
        return Grouping.thirds();
    }

    /** Read while the workflow is built: whether it adds the balanced control's pretrainings. */
    static final Param<Boolean> BALANCED_CONTROL = Param.bool("control.balanced", true,
            "also pretrain SimCLR on D_b of every split (balanced, as large as D_i) and report it as the balanced "
                    + "control");

    @Override
    public Workflow build(Params p) {
        Workflow wf = Workflow.named(name(), p);
        Defaults d = defaults;
        Artifact<Image> data = readData(wf, p);
        Step<LongTailSplit> subsetStep = wf.configure(subsetStep(data, p));
        Artifact<LongTailSplit> subset = wf.step("subset", subsetStep);
        boolean control = p.get(BALANCED_CONTROL);
        for (int k = 0; k < splitCount(subsetStep); k++) {
            for (Method m : Method.values()) {
                evaluate(wf, m.name().toLowerCase(Locale.ROOT) + "-s" + k, Pretrain.method(m).on(data, subset, k),
                        m, data, subset);
            }
            if (control) {
                evaluate(wf, "simclr-balanced-s" + k, Pretrain.simclr().onBalanced(data, subset, k), Method.SIMCLR,
                        data, subset);
            }
        }
        wf.publish(wf.step("report", WriteReport.of(wf.outputsOf(ProbeResult.class))
                .withEncoders(wf.outputsOf(Encoder.class))
                .withPies(wf.outputsOf(PieAnalysis.class))
                .describing(name(), d.dataset(), reportParams(wf))
                .groupedBy(grouping())));
        return wf;
    }

    /**
     * The probes' training transform when augmented ({@code probe.transform}): CIFAR's {@code crop}
     * (train_cifar.py) unless the dataset's official evaluation uses another.
     */
    String probeTransform() {
        return "crop";
    }

    /** Pretrains one encoder ({@code pretrain-ID}) and adds its features, probes, kNN evaluation and PIE analysis. */
    private void evaluate(Workflow wf, String id, Pretrain pretrain, Method m, Artifact<Image> data,
            Artifact<LongTailSplit> subset) {
        Defaults d = defaults;
        Pretrain configured = pretrain
                .arch(d.arch())
                .width(d.width())
                .normalization(d.mean(), d.std())
                .epochs(d.epochs())
                .batch(d.batch())
                .lr(d.lr())
                .temperature(d.temperatureOf(m))
                .warmupEpochs(d.warmupEpochs());
        // Only SDCLR prunes: a SimCLR pretraining does not depend on pretrain.prune (computed once in a sweep of it).
        Artifact<Encoder> encoder = wf.step("pretrain-" + id, m == Method.SDCLR ? configured.prune(d.prune())
                : configured);
        Artifact<Feature> features = wf.step("features-" + id, ExtractFeatures.with(encoder).of(data));
        wf.step("probe-" + id, ProbeLinear.on(features).groupedBy(subset).batch(d.probeBatch())
                .validateEvery(d.probeValidateEvery()).augmentFrom(encoder, data).augment(d.probeAugment())
                .transform(probeTransform()));
        wf.step("fewshot-" + id, ProbeFewShot.on(features).shots(subset).batch(d.probeBatch())
                .validateEvery(d.fewshotValidateEvery()).augmentFrom(encoder, data).augment(d.probeAugment())
                .transform(probeTransform()));
        wf.step("knn-" + id, ClassifyKnn.on(features).groupedBy(subset).k(d.knnK()));
        AnalysePies pies = wf.configure(AnalysePies.of(encoder, features).on(data, subset).prune(d.prune()));
        if (m == Method.SIMCLR && pies.get(AnalysePies.BN).equals("pruned")) {
            // Known before anything runs: the step itself would only find out after pretraining.
            throw new InvalidInputException("pie.bn=pruned: SimCLR encoders (pretrain-%s) have no pruned branch, so"
                    + " no pruned BN set (only SDCLR trains one); use pie.bn=auto (SDCLR: its pruned set, SimCLR: its"
                    + " only set) or pie.bn=dense", id);
        }
        wf.step("pies-" + id, pies);
    }

    /** Parameters shown in the report: every one that can change a result (not execution-only ones). */
    private static Map<String, Object> reportParams(Workflow wf) {
        Map<String, Object> m = new TreeMap<>();
        for (Workflow.Parameter x : wf.parameters()) {
            if (!x.param().isExecutionOnly()) {
                Object v = x.param().parse(x.value());
                m.put(x.param().key(), x.varies() ? "differs by step" : v instanceof List<?> ? x.value() : v);
            }
        }
        return m;
    }
}
