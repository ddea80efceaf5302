package io.sdclr.steps.eval;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import com.google.inject.Guice;
import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepContext;
import io.sdclr.dsl.StepInput;
import io.sdclr.dsl.Workflow;
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
import io.sdclr.steps.avro.ProbeResult;
import io.sdclr.steps.data.ReadIdx;
import io.sdclr.steps.features.ExtractFeatures;
import io.sdclr.steps.model.DualBranchResNet;
import io.sdclr.steps.model.EncoderSpec;
import io.sdclr.steps.model.ParamsFile;
import io.sdclr.steps.subset.BuildLongTail;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    static final class RandomEncoder extends Step<RandomEncoder.Params, Encoder> {
        private static final long serialVersionUID = 1L;

        record Params(long seed) implements java.io.Serializable {}

        private final Params params;

        RandomEncoder(long seed) {
            super("pretrain", Encoder.class);
            this.params = new Params(seed);
        }

        @Override
        public Params params() {
            return params;
        }

        @Override
        public List<Artifact<?>> inputs() {
            return List.of();
        }

        @Override
        public PCollection<Encoder> expand(StepInput in) {
            return in.getPipeline().apply("one", Create.of(0))
                    .apply("write", ParDo.of(new Write(params.seed(), in.context())))
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
                EncoderSpec spec = AugmentedProbeTest.SPEC;
                String sha;
                try (DualBranchResNet net = DualBranchResNet.create(spec, Device.cpu(), seed)) {
                    sha = ParamsFile.write(net, Path.of(ctx.outputDir(), "encoder.params"));
                }
                out.output(Encoder.newBuilder().setMethod(spec.method()).setSplit(0).setArch(spec.arch())
                        .setWidth(spec.width()).setChannels(spec.channels()).setImageSize(spec.imageSize())
                        .setMean(spec.mean()).setStd(spec.std()).setFeatureDim(spec.featureDim()).setEpochs(0)
                        .setHyperParameters(Map.of()).setLossPerEpoch(List.of()).setParamsFile("encoder.params")
                        .setParamsSha256(sha).build());
            }
        }
    }

    /** The steps under test, as a workflow author writes them. */
    private record Probes(ProbeLinear fixed, ProbeLinear off, ProbeLinear augmented, ProbeFewShot fewShot) {}

    private static Probes probes(Artifact<Feature> feats, Artifact<LongTailSplit> subset, Artifact<Encoder> enc,
            Artifact<Image> data) {
        ProbeLinear fixed = ProbeLinear.on(feats, "sdclr").groupedBy(subset, 0).epochs(3).seed(1);
        return new Probes(fixed,
                fixed.augmented(enc, data).augment(false),
                fixed.augmented(enc, data),
                ProbeFewShot.on(feats, "sdclr").shots(subset, 0).epochs(3).seed(1).augmented(enc, data));
    }

    private static WorkflowGraph workflow(boolean augmentLast) {
        Workflow wf = Workflow.named("probe-augment");
        Artifact<Image> data = wf.step("data", ReadIdx.from(FASHION).limits(600, 200));
        Artifact<LongTailSplit> subset = wf.step("subset", BuildLongTail.from(data).dataset("fashion-mnist", 10)
                .splits(1).nMax(40).imbalance(5).valPerClass(10).fewShotFraction(0.1).seed(1));
        Artifact<Encoder> enc = wf.step("pretrain", new RandomEncoder(5));
        Artifact<Feature> feats = wf.step("features", ExtractFeatures.with(enc).of(data));
        Probes p = probes(feats, subset, enc, data);
        wf.step("probe", p.fixed());
        wf.step("probe-off", p.off());
        wf.step("fewshot-aug", p.fewShot());
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
        Artifact<Encoder> enc = wf.step("pretrain", new RandomEncoder(1));
        Artifact<Feature> feats = wf.step("features", ExtractFeatures.with(enc).of(data));
        Probes p = probes(feats, subset, enc, data);

        assertThat(p.off().params()).isEqualTo(p.fixed().params());
        assertThat(p.off().params().augment()).isFalse();
        assertThat(p.off().inputs()).isEqualTo(p.fixed().inputs());
        assertThat(p.off().codeClasses()).isEqualTo(p.fixed().codeClasses());
        assertThat(p.off().exclusive()).isFalse();
        assertThat(p.off().kind()).isEqualTo("probe");

        assertThat(p.augmented().params().augment()).isTrue();
        assertThat(p.augmented().kind()).isEqualTo("probe");
        assertThat(p.augmented().inputs()).containsExactly(feats, subset, enc, data).inOrder();
        assertThat(p.augmented().exclusive()).isTrue();
        assertThat(p.fewShot().kind()).isEqualTo("fewshot");
        assertThat(p.fewShot().exclusive()).isTrue();
        // Order of the calls does not matter: augmented first, then the other parameters.
        assertThat(ProbeLinear.on(feats, "sdclr").groupedBy(subset, 0).augmented(enc, data).epochs(3).seed(1)
                .params()).isEqualTo(p.augmented().params());

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ProbeLinear.on(feats, "sdclr").groupedBy(subset, 0).augment(true));
        assertThat(e).hasMessageThat().contains("probe.augment=true needs the encoder and the images");
    }

    @Test
    void augmentedProbeRunsAsAStepWithTheSameResultAtAnyParallelism() throws IOException {
        ArtifactStore one = new ArtifactStore(tmp.resolve("store-1"));
        ArtifactStore two = new ArtifactStore(tmp.resolve("store-2"));
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        RunSummary a;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            a = runner(one, 1).run(workflow(true), RunRequest.all(), "r1", l -> {});
        } finally {
            System.setErr(err);
        }
        RunSummary b = runner(two, 2).run(workflow(true), RunRequest.all(), "r2", l -> {});

        // augment=false is the fixed-feature probe: the same records, so the same content digest.
        assertThat(a.digestOf("probe-off")).isEqualTo(a.digestOf("probe"));
        assertThat(a.digestOf("probe-aug")).isNotEqualTo(a.digestOf("probe"));
        // The augmented steps do not depend on the runner's parallelism.
        for (String step : List.of("probe", "probe-aug", "fewshot-aug")) {
            assertThat(b.digestOf(step)).isEqualTo(a.digestOf(step));
        }

        ProbeResult aug = result(one, a, "probe-aug");
        assertThat(aug.getEvaluation()).isEqualTo("linear");
        assertThat(aug.getDetails()).containsEntry("trainImages", "500");
        assertThat(aug.getDetails()).containsEntry("augmentation", "RandomCrop(28, padding=4) + RandomHorizontalFlip");
        assertThat(aug.getPerClassAccuracy()).hasSize(10);
        ProbeResult few = result(one, a, "fewshot-aug");
        assertThat(few.getEvaluation()).isEqualTo("fewshot");
        assertThat(few.getDetails()).containsEntry("trainImages", "50");
        assertThat(result(one, a, "probe").getDetails()).doesNotContainKey("augmentation");

        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("[probe-aug] linear probe on 500 augmented training images");
        assertThat(log).containsMatch("\\[probe-aug\\] epoch 3/3 loss \\d+\\.\\d{4} lr [0-9.]+ val \\d+\\.\\d\\d% \\d+"
                + " img/s ETA 0:00:00");
        assertThat(log).contains("[fewshot-aug] few-shot probe on 50 augmented training images");
        assertThat(log).containsMatch("\\[fewshot-aug\\] epoch 1/3 ");

        // Turning the option off is a parameter change the plan explains; the other steps stay cached.
        List<String> plan = runner(one, 1).plan(workflow(false), RunRequest.all()).stream()
                .map(StepStatus::planLine).toList();
        List<String> misses = plan.stream().filter(l -> l.contains(" miss ")).toList();
        assertThat(misses).hasSize(1);
        assertThat(misses.get(0)).startsWith("probe-aug miss ");
        assertThat(misses.get(0)).contains("parameter probe.augment changed true -> false");
    }
}
