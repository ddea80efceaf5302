package io.sdclr.examples;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.Params;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.WorkflowDefinition;
import io.sdclr.dsl.WorkflowGraph;
import io.sdclr.steps.eval.AnalysePies;
import io.sdclr.steps.eval.ProbeFewShot;
import io.sdclr.steps.eval.ProbeLinear;
import io.sdclr.steps.train.Pretrain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workflows' defaults match the official code (lr 0.5 at any batch, ImageNet normalisation on CIFAR, τ 0.3 for
 * SDCLR on ImageNet-100-LT, augmented probes in the paper workflows) and every long-tailed workflow has the
 * balanced control unless it is switched off. Built, not run.
 */
class WorkflowDefaultsTest {
    @TempDir Path tmp;

    private static WorkflowGraph build(WorkflowDefinition def, Map<String, String> sets) {
        return def.build(Params.of(sets)).validate();
    }

    private static Step<?> step(WorkflowGraph g, String name) {
        return g.node(name).orElseThrow(() -> new AssertionError("no step " + name)).step();
    }

    @Test
    void paperWorkflowsUseTheOfficialLearningRateNormalisationAndAugmentedProbes() {
        for (WorkflowDefinition def : List.of(new Cifar10Lt(), new Cifar100Lt())) {
            WorkflowGraph g = build(def, Map.of());
            for (String m : List.of("simclr", "sdclr", "simclr-balanced")) {
                Step<?> pre = step(g, "pretrain-" + m + "-s0");
                assertThat(pre.get(Pretrain.LR)).isEqualTo(0.5);
                assertThat(pre.get(Pretrain.BATCH)).isEqualTo(512);
                assertThat(pre.get(Pretrain.TEMPERATURE)).isEqualTo(0.2);
                assertThat(pre.get(Pretrain.MEAN)).containsExactly(0.485, 0.456, 0.406).inOrder();
                assertThat(pre.get(Pretrain.STD)).containsExactly(0.229, 0.224, 0.225).inOrder();
                assertThat(step(g, "probe-" + m + "-s0").get(ProbeLinear.AUGMENT)).isTrue();
                assertThat(step(g, "fewshot-" + m + "-s0").get(ProbeFewShot.AUGMENT)).isTrue();
            }
        }
    }

    /**
     * Only SDCLR prunes: the SimCLR pretrainings (and the balanced control) do not declare pretrain.prune, so a sweep
     * over it shares them; the SDCLR pretrainings and every PIE analysis take the value set.
     */
    @Test
    void onlySdclrPretrainingsAndThePieAnalysesDependOnThePruningRatio() {
        for (WorkflowDefinition def : List.of(new FmnistLt(), new Cifar10Lt(), new Smoke())) {
            WorkflowGraph a = build(def, Map.of("pretrain.prune", "0.5"));
            WorkflowGraph b = build(def, Map.of("pretrain.prune", "0.7"));
            for (String m : List.of("simclr", "simclr-balanced")) {
                assertThat(step(a, "pretrain-" + m + "-s0").paramValues()).doesNotContainKey("pretrain.prune");
                assertThat(step(a, "pretrain-" + m + "-s0").paramValues())
                        .isEqualTo(step(b, "pretrain-" + m + "-s0").paramValues());
                assertThat(step(b, "pies-" + m + "-s0").get(Pretrain.PRUNE)).isEqualTo(0.7);
            }
            assertThat(step(b, "pretrain-sdclr-s0").paramValues()).containsEntry("pretrain.prune", "0.7");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pretrain.simclr().on(null, null, 0).prune(0.5));
        assertThat(e).hasMessageThat().isEqualTo("Pretrain simclr does not prune: pretrain.prune is SDCLR's (set it on "
                + "SDCLR pretrainings only)");
    }

    @Test
    void fashionMnistKeepsItsEffectiveLearningRateAndCachedFeatureProbes() {
        WorkflowGraph g = build(new FmnistLt(), Map.of());
        Step<?> pre = step(g, "pretrain-sdclr-s0");
        // 0.25 at batch 256: the value the former "0.5 at batch 512, scaled by batch / 512" gave.
        assertThat(pre.get(Pretrain.LR)).isEqualTo(0.25);
        assertThat(pre.get(Pretrain.BATCH)).isEqualTo(256);
        assertThat(step(g, "probe-sdclr-s0").get(ProbeLinear.AUGMENT)).isFalse();
        WorkflowGraph smoke = build(new Smoke(), Map.of());
        assertThat(step(smoke, "pretrain-simclr-s0").get(Pretrain.LR)).isEqualTo(0.125);
        assertThat(step(smoke, "pretrain-simclr-s0").get(Pretrain.BATCH)).isEqualTo(128);
    }

    @Test
    void imagenet100LtTrainsSdclrAtTemperatureZeroPointThree() throws IOException {
        Path lists = tmp.resolve("split/imagenet-100");
        Files.createDirectories(lists);
        for (String f : List.of("imageNet_100_LT_train.txt", "imageNet_100_BL_train.txt",
                "imageNet_100_sub_balance_train_0.01.txt", "ImageNet_100_val.txt", "ImageNet_100_test.txt")) {
            Files.writeString(lists.resolve(f), "");
        }
        WorkflowGraph g = build(new ImageNet100Lt(), Map.of("subset.splitDir", tmp.resolve("split").toString()));
        assertThat(step(g, "pretrain-sdclr-s0").get(Pretrain.TEMPERATURE)).isEqualTo(0.3);
        assertThat(step(g, "pretrain-simclr-s0").get(Pretrain.TEMPERATURE)).isEqualTo(0.2);
        assertThat(step(g, "pretrain-simclr-balanced-s0").get(Pretrain.TEMPERATURE)).isEqualTo(0.2);
        assertThat(step(g, "pretrain-sdclr-s0").get(Pretrain.LR)).isEqualTo(0.5);
        assertThat(step(g, "pretrain-sdclr-s0").get(Pretrain.BATCH)).isEqualTo(256);
        assertThat(step(g, "pretrain-sdclr-s0").get(Pretrain.PRUNE)).isEqualTo(0.3);
        // One key sets both: the user's value wins everywhere.
        WorkflowGraph set = build(new ImageNet100Lt(), Map.of("subset.splitDir", tmp.resolve("split").toString(),
                "pretrain.temperature", "0.25"));
        assertThat(step(set, "pretrain-sdclr-s0").get(Pretrain.TEMPERATURE)).isEqualTo(0.25);
        assertThat(step(set, "pretrain-simclr-s0").get(Pretrain.TEMPERATURE)).isEqualTo(0.25);
    }

    @Test
    void pieAnalysisOfEveryEncoderAndItsBadInputBeforeAnythingRuns() {
        WorkflowGraph g = build(new FmnistLt(), Map.of());
        for (String m : List.of("simclr", "sdclr", "simclr-balanced")) {
            Step<?> pies = step(g, "pies-" + m + "-s1");
            assertThat(pies.get(Pretrain.PRUNE)).isEqualTo(0.9);
            assertThat(pies.get(AnalysePies.BN)).isEqualTo("auto");
        }
        InvalidInputException simclr = assertThrows(InvalidInputException.class,
                () -> build(new FmnistLt(), Map.of("pie.bn", "pruned")));
        assertThat(simclr).hasMessageThat().startsWith("pie.bn=pruned: SimCLR encoders (pretrain-simclr-s0) have no"
                + " pruned branch");
        InvalidInputException ratio = assertThrows(InvalidInputException.class,
                () -> build(new FmnistLt(), Map.of("pretrain.prune", "1")));
        assertThat(ratio).hasMessageThat().contains("pretrain.prune=1");
        assertThat(build(new FmnistLt(), Map.of("pie.bn", "dense")).node("pies-simclr-s0")).isPresent();
    }

    @Test
    void balancedControlIsOnByDefaultAndCanBeSwitchedOff() {
        WorkflowGraph on = build(new FmnistLt(), Map.of());
        for (int k = 0; k < 3; k++) {
            for (String s : List.of("pretrain-", "features-", "probe-", "fewshot-", "knn-")) {
                assertThat(on.node(s + "simclr-balanced-s" + k)).isPresent();
            }
            assertThat(step(on, "pretrain-simclr-balanced-s" + k).settings()).containsEntry("trainSet", "balanced");
            assertThat(step(on, "pretrain-simclr-s" + k).settings()).containsEntry("trainSet", "long_tail");
        }
        WorkflowGraph off = build(new FmnistLt(), Map.of("control.balanced", "false"));
        assertThat(off.steps().stream().map(WorkflowGraph.Node::name).filter(n -> n.contains("balanced")).toList())
                .isEmpty();
        assertThat(off.node("pretrain-simclr-s2")).isPresent();
        InvalidInputException bad = assertThrows(InvalidInputException.class,
                () -> build(new FmnistLt(), Map.of("control.balanced", "maybe")));
        assertThat(bad).hasMessageThat().contains("control.balanced");
    }
}
