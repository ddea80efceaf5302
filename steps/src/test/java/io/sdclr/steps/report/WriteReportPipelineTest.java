package io.sdclr.steps.report;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.OutputFile;
import io.sdclr.dsl.StepContext;
import io.sdclr.dsl.StepInput;
import io.sdclr.dsl.Workflow;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Method;
import io.sdclr.steps.avro.PieAnalysis;
import io.sdclr.steps.avro.ProbeResult;
import io.sdclr.steps.avro.TrainSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WriteReport} as a Beam transform fed in-memory results of two probe artifacts: the linear probe of SimCLR
 * and SDCLR on splits 0 and 1 of a 3-class dataset.
 */
class WriteReportPipelineTest {
    private final TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    @TempDir Path tmp;

    private final Workflow wf = Workflow.named("t");
    private final Artifact<ProbeResult> simclr = wf.ref("probe-simclr", ProbeResult.class);
    private final Artifact<ProbeResult> sdclr = wf.ref("probe-sdclr", ProbeResult.class);

    private final Artifact<Encoder> encoderSimclr = wf.ref("pretrain-simclr", Encoder.class);
    private final Artifact<Encoder> encoderSdclr = wf.ref("pretrain-sdclr", Encoder.class);
    private final Artifact<PieAnalysis> pies = wf.ref("pies", PieAnalysis.class);

    private static final List<List<Integer>> COUNTS = List.of(List.of(40, 10, 2), List.of(2, 40, 10));

    private static ProbeResult result(Method method, int split, double... perClass) {
        List<Double> acc = new ArrayList<>();
        for (double a : perClass) {
            acc.add(a);
        }
        return ProbeResult.newBuilder().setMethod(method).setEvaluation("linear").setSplit(split)
                .setPerClassAccuracy(acc).setClassCounts(COUNTS.get(split)).setSelectedEpoch(3)
                .setValidationAccuracy(80).setDetails(Map.of("trainImages", "24")).build();
    }

    private PCollection<OutputFile> apply(List<ProbeResult> simclrResults, List<ProbeResult> sdclrResults) {
        StepInput in = StepInput.forTest(p, StepContext.in("report", tmp)).with(simclr, simclrResults)
                .with(sdclr, sdclrResults).build();
        WriteReport step = WriteReport.of(List.of(simclr, sdclr))
                .describing("toy-lt", "toy", Map.of("pretrain.epochs", 1, "probe.augment", false));
        return in.apply("report", step);
    }

    private static Encoder encoder(Method method, TrainSet trainSet, int split, List<Float> loss, List<Double> kept,
            List<Float> threshold) {
        return Encoder.newBuilder().setMethod(method).setSplit(split).setTrainSet(trainSet).setArch("resnet18")
                .setWidth(0.25).setChannels(1).setImageSize(28).setMean(List.of(0.286)).setStd(List.of(0.353))
                .setFeatureDim(128).setEpochs(loss.size()).setHyperParameters(Map.of()).setLossPerEpoch(loss)
                .setMaskKeptPerEpoch(kept).setMaskThresholdPerEpoch(threshold).setParamsFile("params")
                .setParamsSha256("0").build();
    }

    private static Map<String, String> files(Iterable<OutputFile> files) {
        Map<String, String> byPath = new TreeMap<>();
        for (OutputFile f : files) {
            byPath.put(f.getPath(), text(f));
        }
        return byPath;
    }

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void encodersAndPieAnalysesBecomeCurvesAndThePieSection() {
        StepInput in = StepInput.forTest(p, StepContext.in("report", tmp))
                .with(simclr, List.of(result(Method.SIMCLR, 0, 90, 60, 30)))
                .with(sdclr, List.of(result(Method.SDCLR, 0, 91, 66, 40)))
                .with(encoderSimclr, List.of(
                        encoder(Method.SIMCLR, TrainSet.LONG_TAIL, 0, List.of(6.0f, 5.5f), List.of(), List.of()),
                        encoder(Method.SIMCLR, TrainSet.BALANCED, 0, List.of(6.25f, 5.75f), List.of(), List.of())))
                .with(encoderSdclr, List.of(encoder(Method.SDCLR, TrainSet.LONG_TAIL, 0, List.of(6.5f, 6.0f),
                        List.of(0.1, 0.1), List.of(0.0123f, 0.0234f))))
                .with(pies, List.of(EvidenceFixture.pie(Method.SDCLR, 0, new int[] {40, 10, 2}, List.of(
                        EvidenceFixture.rates("linear", "train", new double[] {10, 20, 60}, 80, 70)),
                        EvidenceFixture.examples(3, 1, 28, 0))))
                .build();
        // The withX calls in an order different from the class Javadoc's.
        WriteReport step = WriteReport.of(List.of(simclr, sdclr))
                .withPies(List.of(pies))
                .describing("toy-lt", "toy", Map.of("pretrain.epochs", 2))
                .withEncoders(List.of(encoderSimclr, encoderSdclr));
        PAssert.that(in.apply("report", step)).satisfies(files -> {
            Map<String, String> byPath = files(files);
            JsonNode methods = json(byPath.get("results.json")).get("methods");
            assertThat(methods.get("sdclr").get("curves").get(0).get("loss").toString()).isEqualTo("[6.5,6]");
            assertThat(methods.get("sdclr").get("curves").get(0).get("maskThreshold").toString())
                    .isEqualTo("[0.0123,0.0234]");
            // The balanced control's encoder is keyed like its results.
            assertThat(methods.get("simclr-balanced").get("curves").get(0).get("loss").toString())
                    .isEqualTo("[6.25,5.75]");
            // Groups of split 0 (counts 40, 10, 2): Many class 0, Medium class 1, Few class 2.
            assertThat(methods.get("sdclr").get("pie").get("few").get("mean").asDouble()).isEqualTo(60.0);
            assertThat(methods.get("sdclr").get("pie").get("all").get("mean").asDouble()).isEqualTo(30.0);
            assertThat(methods.get("simclr").has("pie")).isFalse();
            assertThat(byPath.get("report.md")).contains("## Training curves");
            assertThat(byPath.get("report.md")).contains("## Pruning-identified exemplars (PIEs)");
            assertThat(byPath.get("report.html")).contains("<img class=\"px\" src=\"data:image/png;base64,");
            assertThat(byPath.get("report.html")).contains("aria-label=\"Pretraining loss per epoch\"");
            return null;
        });
        p.run().waitUntilFinish();
    }

    @Test
    void theOrderOfTheWithCallsDoesNotMatterAndEveryArtifactIsAnInput() {
        WriteReport a = WriteReport.of(List.of(simclr, sdclr)).withEncoders(List.of(encoderSdclr))
                .withPies(List.of(pies)).describing("w", "cifar10", Map.of("pretrain.epochs", 5))
                .groupedBy(Grouping.thresholds(100, 20));
        WriteReport b = WriteReport.of(List.of(simclr, sdclr)).groupedBy(Grouping.thresholds(100, 20))
                .describing("w", "cifar10", Map.of("pretrain.epochs", 5)).withPies(List.of(pies))
                .withEncoders(List.of(encoderSdclr));
        assertThat(a.settings()).isEqualTo(b.settings());
        assertThat(a.inputs()).containsExactly(simclr, sdclr, encoderSdclr, pies).inOrder();
        assertThat(b.inputs()).isEqualTo(a.inputs());
        assertThat(WriteReport.of(List.of(simclr)).inputs()).containsExactly(simclr);
    }

    private static String text(OutputFile f) {
        ByteBuffer b = f.getContent().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void rendersTheThreeFilesNamingTheMethodsInLowerCase() {
        PCollection<OutputFile> out = apply(
                List.of(result(Method.SIMCLR, 0, 90, 60, 30), result(Method.SIMCLR, 1, 20, 95, 55)),
                List.of(result(Method.SDCLR, 1, 30, 94, 60), result(Method.SDCLR, 0, 91, 66, 40)));
        PAssert.that(out).satisfies(files -> {
            Map<String, String> byPath = new TreeMap<>();
            for (OutputFile f : files) {
                byPath.put(f.getPath(), text(f));
            }
            assertThat(byPath.keySet()).containsExactly("report.html", "report.md", "results.json");
            JsonNode json;
            try {
                json = new ObjectMapper().readTree(byPath.get("results.json"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertThat(json.get("workflow").asText()).isEqualTo("toy-lt");
            assertThat(json.get("dataset").asText()).isEqualTo("toy");
            List<String> methods = new ArrayList<>();
            for (Iterator<String> it = json.get("methods").fieldNames(); it.hasNext(); ) {
                methods.add(it.next());
            }
            assertThat(methods).containsExactly("simclr", "sdclr");
            assertThat(json.get("methods").get("sdclr").has("linear")).isTrue();
            // Per-class rows in split order, whatever order the results came in.
            JsonNode perClass = json.get("methods").get("sdclr").get("linear").get("per_class");
            assertThat(perClass.size()).isEqualTo(2);
            assertThat(perClass.get(0).get(0).asDouble()).isEqualTo(91.0);
            assertThat(perClass.get(1).get(0).asDouble()).isEqualTo(30.0);
            assertThat(json.get("splits").size()).isEqualTo(2);
            assertThat(json.get("splits").get(1).get("class_counts").get(1).asInt()).isEqualTo(40);
            assertThat(json.get("params").get("pretrain.epochs").asInt()).isEqualTo(1);
            // The tables show the methods by their display names, known only for the lower-case method names.
            assertThat(byPath.get("report.md")).contains("# SDCLR report: toy-lt");
            assertThat(byPath.get("report.md")).contains("\n| SimCLR | ");
            assertThat(byPath.get("report.md")).contains("\n| SDCLR | ");
            assertThat(byPath.get("report.md")).doesNotContain("SIMCLR");
            assertThat(byPath.get("report.html")).contains("<svg");
            return null;
        });
        p.run().waitUntilFinish();
    }

    @Test
    void resultsThatDisagreeOnASplitsClassCountsAreRefused() {
        ProbeResult odd = ProbeResult.newBuilder(result(Method.SDCLR, 0, 91, 66, 40))
                .setClassCounts(List.of(40, 10, 3)).build();
        apply(List.of(result(Method.SIMCLR, 0, 90, 60, 30)), List.of(odd));
        RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
        IllegalStateException bad = null;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof IllegalStateException ise) {
                bad = ise;
                break;
            }
        }
        assertThat(bad).isNotNull();
        assertThat(bad).hasMessageThat().isEqualTo("results of split 0 disagree on its class counts");
    }
}
