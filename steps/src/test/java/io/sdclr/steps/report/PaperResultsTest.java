package io.sdclr.steps.report;

import static com.google.common.truth.Truth.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PaperResultsTest {
    @Test
    void budgetSaysWhenTheProbesTrainedOnCachedFeatures() {
        Map<String, Object> cached = Map.of("pretrain.epochs", 5, "pretrain.width", 0.25, "pretrain.arch", "resnet18",
                "pretrain.batch", 256, "probe.augment", false, "fewshot.augment", false);
        assertThat(PaperResults.budget("fashion-mnist", cached)).isEqualTo("This run pretrains 5 epochs of a width-0.25"
                + " ResNet-18 (1/16 of the paper's conv weights) at batch 256; the paper's CIFAR runs train 2,000 epochs"
                + " at width 1 (ResNet-18, batch 512) — this run has 0.25 % of its epochs. The paper's numbers are not"
                + " comparable on this dataset. The linear and few-shot probes train on cached, un-augmented features"
                + " (probe.augment=false); the official probes train on augmented images through the frozen encoder.");
        Map<String, Object> official = Map.of("pretrain.epochs", 2000, "probe.augment", true, "fewshot.augment", true);
        assertThat(PaperResults.budget("cifar10", official)).doesNotContain("cached");
    }
}
