package io.sdclr.steps.eval;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.inject.Guice;
import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.DefinitionError;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.Param;
import io.sdclr.dsl.Params;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepContext;
import io.sdclr.dsl.StepInput;
import io.sdclr.dsl.Workflow;
import io.sdclr.dsl.WorkflowDefinitionException;
import io.sdclr.dsl.WorkflowGraph;
import io.sdclr.pipeline.run.BeamRunner;
import io.sdclr.pipeline.run.DirectRunnerModule;
import io.sdclr.pipeline.run.ExecutionSettings;
import io.sdclr.pipeline.run.RunRequest;
import io.sdclr.pipeline.run.RunSummary;
import io.sdclr.pipeline.run.StepStatus;
import io.sdclr.pipeline.run.WorkflowRunner;
import io.sdclr.pipeline.store.ArtifactStore;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.Method;
import io.sdclr.steps.avro.ProbeResult;
import io.sdclr.steps.data.ReadIdx;
import io.sdclr.steps.features.ExtractFeatures;
import io.sdclr.steps.internal.model.RandomEncoders;
import io.sdclr.steps.subset.BuildLongTail;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The augmented probe as a workflow step on real Fashion-MNIST (600 training, 200 test images; pool 500, S_b 50)
 * with a randomly initialised width-0.25 encoder, run on the DirectRunner at parallelism 1 and 2.
 */
class AugmentedProbeWorkflowTest {
    private static final String FASHION = "/usr/share/datasets/fashion-mnist";

    @TempDir Path tmp;

    /** An untrained encoder written as the pretrain step would write it: a stand-in that takes a second. */
    static final class RandomEncoder extends Step<Encoder> {
        private static final long serialVersionUID = 1L;

        private RandomEncoder() {
            super(Encoder.class, Param.SEED);
        }

        static RandomEncoder seeded(long seed) {
            return new RandomEncoder().withParam(Param.SEED, seed);
        }

        @Override
        public List<Artifact<?>> inputs() {
            return List.of();
        }

        @Override
        public PCollection<Encoder> expand(StepInput in) {
            return in.getPipeline().apply("one", Create.of(0))
                    .apply("write", ParDo.of(new Write(get(Param.SEED), in.context())))
                    .setCoder(AvroCoder.specific(Encoder.class));
        }

        static final class Write extends DoFn<Integer, Encoder> {
            private static final long serialVersionUID = 1L;
            private final long seed;
            private final StepContext ctx;

            Write(long seed, StepContext ctx) {
                this.seed = seed;
                this.ctx = ctx;
            }

            @ProcessElement
            public void process(OutputReceiver<Encoder> out) {
                out.output(RandomEncoders.write(AugmentedProbeTest.SPEC, seed, 0, ctx.outputFile("encoder.params")));
            }
        }
    }

    /** The steps under test, as a workflow author writes them. */
    private record Probes(ProbeLinear fixed, ProbeLinear off, ProbeLinear augmented, ProbeFewShot fewShot) {}

    private static Probes probes(Artifact<Feature> feats, Artifact<LongTailSplit> subset, Artifact<Encoder> enc,
            Artifact<Image> data) {
        ProbeLinear fixed = ProbeLinear.on(feats).groupedBy(subset).epochs(3).seed(1);
        return new Probes(fixed,
                fixed.augmentFrom(enc, data).augment(false),
                fixed.augmentFrom(enc, data).augment(true),
                ProbeFewShot.on(feats).shots(subset).epochs(3).seed(1).augmentFrom(enc, data).augment(true));
    }

    private static WorkflowGraph workflow(boolean augmentLast) {
        Workflow wf = Workflow.named("probe-augment");
        Artifact<Image> data = wf.step("data", ReadIdx.from(FASHION).limits(600, 200));
        Artifact<LongTailSplit> subset = wf.step("subset", BuildLongTail.from(data).dataset("fashion-mnist", 10)
                .splits(1).nMax(40).imbalance(5).valPerClass(10).fewShotFraction(0.1).seed(1));
        Artifact<Encoder> enc = wf.step("pretrain", RandomEncoder.seeded(5));
        Artifact<Feature> feats = wf.step("features", ExtractFeatures.with(enc).of(data));
        Probes p = probes(feats, subset, enc, data);
        wf.step("probe", p.fixed());
        wf.step("probe-off", p.off());
        wf.step("fewshot-aug", p.fewShot());
        wf.step("probe-rrc", p.augmented().transform("resized-crop"));
        wf.step("probe-aug", p.augmented().augment(augmentLast));
        return wf.validate();
    }

    private static WorkflowRunner runner(ArtifactStore store, int parallelism) {
        ExecutionSettings settings = new ExecutionSettings("cpu", parallelism);
        return new WorkflowRunner(store, Guice.createInjector(new DirectRunnerModule(),
                b -> b.bind(ExecutionSettings.class).toInstance(settings)).getInstance(BeamRunner.class), settings);
    }

    private static ProbeResult result(ArtifactStore store, RunSummary run, String step) throws IOException {
        List<ProbeResult> out = new ArrayList<>();
        for (Path f : store.avroFiles(run.digestOf(step))) {
            try (DataFileReader<ProbeResult> r =
                    new DataFileReader<>(f.toFile(), new SpecificDatumReader<>(ProbeResult.class))) {
                r.forEach(out::add);
            }
        }
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @Test
    void augmentFalseIsTheDefaultProbeAndAugmentTrueAddsTheEncoderAndImages() {
        Workflow wf = Workflow.named("w");
        Artifact<Image> data = wf.step("data", ReadIdx.from(FASHION));
        Artifact<LongTailSplit> subset = wf.step("subset", BuildLongTail.from(data));
        Artifact<Encoder> enc = wf.step("pretrain", RandomEncoder.seeded(1));
        Artifact<Feature> feats = wf.step("features", ExtractFeatures.with(enc).of(data));
        Probes p = probes(feats, subset, enc, data);

        assertThat(p.off().paramValues()).isEqualTo(p.fixed().paramValues());
        assertThat(p.off().get(ProbeLinear.AUGMENT)).isFalse();
        assertThat(p.off().paramValues()).containsEntry("probe.augment", "false");
        assertThat(p.off().inputs()).isEqualTo(p.fixed().inputs());
        assertThat(p.off().settings()).isEqualTo(p.fixed().settings());
        assertThat(p.off().problems()).isEmpty();
        assertThat(p.off().exclusive()).isFalse();

        assertThat(p.augmented().get(ProbeLinear.AUGMENT)).isTrue();
        assertThat(p.augmented().paramValues()).containsEntry("probe.augment", "true");
        assertThat(p.augmented().inputs()).containsExactly(feats, subset, enc, data).inOrder();
        assertThat(p.augmented().exclusive()).isTrue();
        assertThat(p.augmented().problems()).isEmpty();
        assertThat(p.fewShot().paramValues()).containsEntry("fewshot.augment", "true");
        assertThat(p.fewShot().inputs()).containsExactly(feats, subset, enc, data).inOrder();
        assertThat(p.fewShot().exclusive()).isTrue();

        // Order of the calls does not matter: augment(true) before augmentFrom, other parameters before or after.
        ProbeLinear switchedFirst = ProbeLinear.on(feats).groupedBy(subset).augment(true).epochs(3)
                .augmentFrom(enc, data).seed(1);
        assertThat(switchedFirst.paramValues()).isEqualTo(p.augmented().paramValues());
        assertThat(switchedFirst.inputs()).isEqualTo(p.augmented().inputs());
        assertThat(switchedFirst.exclusive()).isTrue();
        ProbeFewShot fewSwitchedFirst = ProbeFewShot.on(feats).shots(subset).augment(true).augmentFrom(enc, data)
                .seed(1).epochs(3);
        assertThat(fewSwitchedFirst.paramValues()).isEqualTo(p.fewShot().paramValues());
        assertThat(fewSwitchedFirst.inputs()).isEqualTo(p.fewShot().inputs());
        // A copy: the step augmentFrom was called on is unchanged.
        ProbeLinear base = ProbeLinear.on(feats).groupedBy(subset);
        base.augmentFrom(enc, data).augment(true);
        assertThat(base.inputs()).containsExactly(feats, subset).inOrder();
        assertThat(base.get(ProbeLinear.AUGMENT)).isFalse();
    }

    @Test
    void transformIsOneKeyOfBothProbesAndPartOfTheirCacheKey() {
        Workflow wf = Workflow.named("w");
        Artifact<Image> data = wf.step("data", ReadIdx.from(FASHION));
        Artifact<LongTailSplit> subset = wf.step("subset", BuildLongTail.from(data));
        Artifact<Encoder> enc = wf.step("pretrain", RandomEncoder.seeded(1));
        Artifact<Feature> feats = wf.step("features", ExtractFeatures.with(enc).of(data));
        Probes p = probes(feats, subset, enc, data);

        // Default: the CIFAR transform, as before the parameter existed.
        assertThat(p.augmented().get(ProbeLinear.TRANSFORM)).isEqualTo("crop");
        assertThat(p.augmented().paramValues()).containsEntry("probe.transform", "crop");
        assertThat(p.fewShot().paramValues()).containsEntry("probe.transform", "crop");

        // resized-crop changes the values the cache key is made of, and only that one.
        ProbeLinear rrc = p.augmented().transform("resized-crop");
        assertThat(rrc.paramValues()).containsEntry("probe.transform", "resized-crop");
        assertThat(rrc.paramValues()).isNotEqualTo(p.augmented().paramValues());
        Map<String, String> back = new HashMap<>(rrc.paramValues());
        back.put("probe.transform", "crop");
        assertThat(back).isEqualTo(p.augmented().paramValues());
        assertThat(rrc.inputs()).isEqualTo(p.augmented().inputs());
        assertThat(p.augmented().get(ProbeLinear.TRANSFORM)).isEqualTo("crop"); // a copy
        // Order of the calls does not matter.
        assertThat(ProbeLinear.on(feats).groupedBy(subset).transform("resized-crop").augment(true).epochs(3)
                .augmentFrom(enc, data).seed(1).paramValues()).isEqualTo(rrc.paramValues());

        // The few-shot probe declares the same Param: one --set key sets both, and the workflow lists it once.
        assertThat(ProbeFewShot.TRANSFORM).isSameInstanceAs(ProbeLinear.TRANSFORM);
        assertThat(p.fewShot().transform("resized-crop").paramValues()).containsEntry("probe.transform",
                "resized-crop");
        Workflow set = Workflow.named("w", Params.of(Map.of("probe.transform", "resized-crop")));
        Artifact<Image> d2 = set.step("data", ReadIdx.from(FASHION));
        Artifact<LongTailSplit> s2 = set.step("subset", BuildLongTail.from(d2));
        Artifact<Encoder> e2 = set.step("pretrain", RandomEncoder.seeded(1));
        Artifact<Feature> f2 = set.step("features", ExtractFeatures.with(e2).of(d2));
        Probes q = probes(f2, s2, e2, d2);
        set.step("probe-aug", q.augmented());
        set.step("fewshot-aug", q.fewShot());
        List<Workflow.Parameter> transform = set.parameters().stream()
                .filter(x -> x.param().key().equals("probe.transform")).toList();
        assertThat(transform).hasSize(1);
        assertThat(transform.get(0).value()).isEqualTo("resized-crop");
        assertThat(transform.get(0).varies()).isFalse();
    }

    @Test
    void anUnknownTransformIsRefusedNamingTheKeyAndTheAllowedValues() {
        Workflow wf = Workflow.named("w");
        Artifact<Image> data = wf.step("data", ReadIdx.from(FASHION));
        Artifact<LongTailSplit> subset = wf.step("subset", BuildLongTail.from(data));
        Artifact<Encoder> enc = wf.step("pretrain", RandomEncoder.seeded(1));
        Artifact<Feature> feats = wf.step("features", ExtractFeatures.with(enc).of(data));
        Probes p = probes(feats, subset, enc, data);

        InvalidInputException linear = assertThrows(InvalidInputException.class,
                () -> p.augmented().transform("foo"));
        assertThat(linear).hasMessageThat()
                .isEqualTo("ProbeLinear: probe.transform=foo: the value must be one of crop, resized-crop");
        InvalidInputException fewShot = assertThrows(InvalidInputException.class,
                () -> p.fewShot().transform("foo"));
        assertThat(fewShot).hasMessageThat()
                .isEqualTo("ProbeFewShot: probe.transform=foo: the value must be one of crop, resized-crop");
        // As a user types it: --set probe.transform=foo
        InvalidInputException set = assertThrows(InvalidInputException.class, () -> ProbeLinear.TRANSFORM.parse("foo"));
        assertThat(set).hasMessageThat()
                .isEqualTo("--set probe.transform=foo: the value must be one of crop, resized-crop");
    }

    @Test
    void augmentWithoutTheEncoderAndImagesIsADefinitionProblem() {
        Workflow wf = Workflow.named("w");
        Artifact<Image> data = wf.step("data", ReadIdx.from(FASHION));
        Artifact<LongTailSplit> subset = wf.step("subset", BuildLongTail.from(data));
        Artifact<Encoder> enc = wf.step("pretrain", RandomEncoder.seeded(1));
        Artifact<Feature> feats = wf.step("features", ExtractFeatures.with(enc).of(data));
        ProbeLinear alone = ProbeLinear.on(feats).groupedBy(subset).augment(true);
        assertThat(alone.problems()).hasSize(1);
        assertThat(alone.inputs()).containsExactly(feats, subset).inOrder();
        ProbeFewShot fewAlone = ProbeFewShot.on(feats).shots(subset).augment(true);
        assertThat(fewAlone.problems()).hasSize(1);
        wf.step("probe-aug", alone);
        wf.step("fewshot-aug", fewAlone);

        WorkflowDefinitionException e = assertThrows(WorkflowDefinitionException.class, wf::validate);
        assertThat(e.errors()).hasSize(2);
        assertThat(e.errors().stream().map(DefinitionError::kind).distinct().toList())
                .containsExactly(DefinitionError.Kind.INVALID_PARAMETERS);
        assertThat(e).hasMessageThat().contains("[INVALID_PARAMETERS] step \"probe-aug\"");
        assertThat(e).hasMessageThat().contains("probe.augment=true needs the encoder and the images");
        assertThat(e).hasMessageThat().contains("[INVALID_PARAMETERS] step \"fewshot-aug\"");
        assertThat(e).hasMessageThat().contains("fewshot.augment=true needs the encoder and the images");
    }

    @Test
    void augmentedProbeRunsAsAStepWithTheSameResultAtAnyParallelism() throws IOException {
        ArtifactStore one = new ArtifactStore(tmp.resolve("store-1"));
        ArtifactStore two = new ArtifactStore(tmp.resolve("store-2"));
        // Progress lines reach the console as "STEP: line", from the thread that follows the progress files.
        List<String> console = new CopyOnWriteArrayList<>();
        RunSummary a = runner(one, 1).run(workflow(true), RunRequest.all(), "r1", console::add);
        RunSummary b = runner(two, 2).run(workflow(true), RunRequest.all(), "r2", l -> {});

        // augment=false is the fixed-feature probe: the same records, so the same content digest.
        assertThat(a.digestOf("probe-off")).isEqualTo(a.digestOf("probe"));
        assertThat(a.digestOf("probe-aug")).isNotEqualTo(a.digestOf("probe"));
        // The augmented steps do not depend on the runner's parallelism.
        assertThat(a.digestOf("probe-rrc")).isNotEqualTo(a.digestOf("probe-aug"));
        for (String step : List.of("probe", "probe-aug", "fewshot-aug", "probe-rrc")) {
            assertThat(b.digestOf(step)).isEqualTo(a.digestOf(step));
        }

        ProbeResult aug = result(one, a, "probe-aug");
        assertThat(aug.getEvaluation()).isEqualTo("linear");
        // Whose result it is comes from the features (the random encoder's record: SDCLR, split 0).
        assertThat(aug.getMethod()).isEqualTo(Method.SDCLR);
        assertThat(aug.getSplit()).isEqualTo(0);
        assertThat(aug.getDetails()).containsEntry("trainImages", "500");
        assertThat(aug.getDetails()).containsEntry("augmentation", "RandomCrop(28, padding=4) + RandomHorizontalFlip");
        assertThat(aug.getPerClassAccuracy()).hasSize(10);
        ProbeResult few = result(one, a, "fewshot-aug");
        assertThat(few.getEvaluation()).isEqualTo("fewshot");
        assertThat(few.getDetails()).containsEntry("trainImages", "50");
        assertThat(result(one, a, "probe").getDetails()).doesNotContainKey("augmentation");
        // The details name the transform used: probe.transform=resized-crop is ImageNet's RandomResizedCrop.
        ProbeResult rrc = result(one, a, "probe-rrc");
        assertThat(rrc.getDetails()).containsEntry("trainImages", "500");
        assertThat(rrc.getDetails()).containsEntry("augmentation",
                "RandomResizedCrop(28, scale=(0.08, 1), ratio=(3/4, 4/3), bilinear) + RandomHorizontalFlip");
        assertThat(rrc.getPerClassAccuracy()).isNotEqualTo(aug.getPerClassAccuracy());

        String log = String.join("\n", console);
        assertThat(log).contains("probe-aug: linear probe on 500 augmented training images (RandomCrop(28, padding=4)"
                + " + RandomHorizontalFlip, re-drawn every epoch)");
        assertThat(log).contains("probe-rrc: linear probe on 500 augmented training images (RandomResizedCrop(28, ");
        assertThat(log).containsMatch("probe-aug: epoch 3/3 loss \\d+\\.\\d{4} lr [0-9.]+ val \\d+\\.\\d\\d% \\d+"
                + " img/s ETA 0:00:00");
        assertThat(log).contains("fewshot-aug: few-shot probe on 50 augmented training images");
        assertThat(log).containsMatch("fewshot-aug: epoch 1/3 ");

        // Turning the option off is a parameter change the plan explains; the other steps stay cached.
        List<String> plan = runner(one, 1).plan(workflow(false), RunRequest.all()).stream()
                .map(StepStatus::planLine).toList();
        List<String> misses = plan.stream().filter(l -> l.contains(" miss ")).toList();
        assertThat(misses).hasSize(1);
        assertThat(misses.get(0)).startsWith("probe-aug miss ");
        assertThat(misses.get(0)).contains("parameter probe.augment changed true -> false");
    }
}
