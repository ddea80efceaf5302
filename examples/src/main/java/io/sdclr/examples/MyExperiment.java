package io.sdclr.examples;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.Params;
import io.sdclr.dsl.Workflow;
import io.sdclr.dsl.WorkflowDefinition;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.ProbeResult;
import io.sdclr.steps.data.ReadCifar;
import io.sdclr.steps.data.ReadIdx;
import io.sdclr.steps.eval.ClassifyKnn;
import io.sdclr.steps.eval.ProbeLinear;
import io.sdclr.steps.features.ExtractFeatures;
import io.sdclr.steps.report.WriteReport;
import io.sdclr.steps.subset.BuildLongTail;
import io.sdclr.steps.subset.LoadSplits;
import io.sdclr.steps.subset.SplitFiles;
import io.sdclr.steps.train.Pretrain;
import java.nio.file.Path;

/**
 * The README's DSL example, as real code: SDCLR on a small long-tailed subset of Fashion-MNIST, features, a linear
 * probe per split and the report. {@code ./sdclr run my-experiment} runs it (about a minute on 2 cores);
 * {@code --set} reaches every parameter its steps declare ({@code ./sdclr list}).
 */
public final class MyExperiment implements WorkflowDefinition {
    @Override
    public String name() {
        return "my-experiment";
    }

    @Override
    public String description() {
        return "the README's DSL example: SDCLR on 3k Fashion-MNIST images, linear probe, report";
    }

    @Override
    public Workflow build(Params params) {
        // README example starts
        Workflow wf = Workflow.named("my-experiment", params); // params: the user's --set values
        Artifact<Image> data = wf.step("data", ReadIdx.from("/usr/share/datasets/fashion-mnist").limits(3000, 1000));
        BuildLongTail splits = wf.configure(BuildLongTail.from(data).nMax(200).imbalance(10).valPerClass(50).splits(1));
        Artifact<LongTailSplit> subset = wf.step("subset", splits);
        for (int k = 0; k < splits.splitCount(); k++) { // --set subset.splits=3 gives three
            Artifact<Encoder> enc = wf.step("pretrain-sdclr-s" + k,
                    Pretrain.sdclr().on(data, subset, k).epochs(1).batch(128).warmupEpochs(0));
            Artifact<Feature> feats = wf.step("features-sdclr-s" + k, ExtractFeatures.with(enc).of(data));
            wf.step("probe-sdclr-s" + k, ProbeLinear.on(feats).groupedBy(subset)); // method, split: from feats
        }
        wf.publish(wf.step("report", WriteReport.of(wf.outputsOf(ProbeResult.class))));
        // README example ends
        return wf;
    }

    /** The README's second example: CIFAR-10 with the paper's official splits, and kNN. Built, not run, by tests. */
    static Workflow cifarWithOfficialSplits(Path cifarDir, Path splitDir) {
        Workflow wf = Workflow.named("my-cifar");
        // README cifar example starts
        Artifact<Image> cifar = wf.step("data", ReadCifar.cifar10(cifarDir.toString()));
        Artifact<LongTailSplit> paper = wf.step("subset",
                LoadSplits.from(cifar, SplitFiles.officialCifar10(splitDir, 5)).dataset("cifar10", 10));
        Artifact<Encoder> enc = wf.step("pretrain-sdclr-s0", Pretrain.sdclr().on(cifar, paper, 0)
                .width(1).epochs(2000).batch(512).warmupEpochs(10)
                .normalization(java.util.List.of(0.4914, 0.4822, 0.4465), java.util.List.of(0.2023, 0.1994, 0.2010)));
        Artifact<Feature> feats = wf.step("features-sdclr-s0", ExtractFeatures.with(enc).of(cifar));
        wf.step("knn-sdclr-s0", ClassifyKnn.on(feats).groupedBy(paper).k(200, 20));
        // README cifar example ends
        return wf;
    }
}
