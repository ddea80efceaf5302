package io.sdclr.examples;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import io.sdclr.dsl.Params;
import io.sdclr.dsl.Workflow;
import io.sdclr.dsl.WorkflowDefinition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each shipped workflow trains its augmented probes with its dataset's official transform: ImageNet-100-LT with
 * {@code RandomResizedCrop(224)} + flip (train_imagenet.py), the others with {@code RandomCrop(size, padding=4)}
 * + flip (train_cifar.py).
 */
class ProbeTransformTest {

    /** The one value of {@code key} in {@code wf}: every step that declares it (the linear and few-shot probes) has it. */
    private static String valueOf(Workflow wf, String key) {
        List<Workflow.Parameter> found = wf.parameters().stream().filter(p -> p.param().key().equals(key)).toList();
        assertWithMessage("%s declares %s", wf.name(), key).that(found).hasSize(1);
        assertWithMessage("%s: %s differs by step", wf.name(), key).that(found.get(0).varies()).isFalse();
        return found.get(0).value();
    }

    @Test
    void imagenet100LtProbesTrainWithRandomResizedCrop() {
        Workflow wf = new ImageNet100Lt().build(Params.none());
        assertThat(valueOf(wf, "probe.transform")).isEqualTo("resized-crop");
        // ... and they are augmented, so the transform is the one used.
        assertThat(valueOf(wf, "probe.augment")).isEqualTo("true");
        assertThat(valueOf(wf, "fewshot.augment")).isEqualTo("true");
    }

    @Test
    void theOtherWorkflowsKeepCifarsCrop() {
        for (WorkflowDefinition d : List.of(new Cifar10Lt(), new Cifar100Lt(), new FmnistLt(), new Smoke())) {
            assertWithMessage(d.name()).that(valueOf(d.build(Params.none()), "probe.transform")).isEqualTo("crop");
        }
    }

    @Test
    void theUserCanSetTheOtherTransform() {
        Workflow imagenet = new ImageNet100Lt().build(Params.of(Map.of("probe.transform", "crop")));
        assertThat(valueOf(imagenet, "probe.transform")).isEqualTo("crop");
        Workflow cifar = new Cifar10Lt().build(Params.of(Map.of("probe.transform", "resized-crop")));
        assertThat(valueOf(cifar, "probe.transform")).isEqualTo("resized-crop");
    }
}
