package io.sdclr.steps.report;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.OutputContract;
import io.sdclr.dsl.OutputFile;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepInput;
import io.sdclr.dsl.Gather;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Method;
import io.sdclr.steps.avro.PieAnalysis;
import io.sdclr.steps.avro.ProbeResult;
import io.sdclr.steps.avro.TrainSet;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Renders the paper's tables (Many/Medium/Few/Std/All for linear, few-shot and kNN evaluation, mean ± sd over
 * splits) with charts, and the paper's evidence: the training curves of the pretrainings (loss; SDCLR's mask per
 * epoch), the PIE analysis (PIE rate by group, by class size, example images), the balanced control's reading and
 * the paper's own numbers, as {@code report.md}, {@code report.html} and {@code results.json}. Publish its output to
 * have the files written to the run's output directory.
 *
 * <pre>{@code
 * wf.publish(wf.step("report", WriteReport.of(wf.outputsOf(ProbeResult.class))
 *     .withEncoders(wf.outputsOf(Encoder.class))       // training curves
 *     .withPies(wf.outputsOf(PieAnalysis.class))       // PIE tables, chart and image grid
 *     .describing("fmnist-lt", "fashion-mnist", params.asMap())
 *     .groupedBy(Grouping.thirds())));
 * }</pre>
 *
 * <p>The {@code withX} calls may come in any order; each returns a copy. Without encoders the report has no curves,
 * without PIE analyses no PIE section. Class names are shown for {@code fashion-mnist}, {@code cifar10} and {@code
 * cifar100} (the dataset named in {@link #describing}), the paper's numbers for {@code cifar10}, {@code cifar100} and
 * {@code imagenet-100}.
 */
public final class WriteReport extends Step<OutputFile> {
    private static final long serialVersionUID = 1L;

    /** What the report says about the run besides the results: settings of the workflow's code, not tunables. */
    record Params(String workflow, String dataset, TreeMap<String, Object> params, Grouping grouping)
            implements java.io.Serializable {}

    private final List<Artifact<ProbeResult>> results;
    private final List<Artifact<Encoder>> encoders;
    private final List<Artifact<PieAnalysis>> pies;
    private final Params params;

    private WriteReport(List<Artifact<ProbeResult>> results, List<Artifact<Encoder>> encoders,
            List<Artifact<PieAnalysis>> pies, Params params) {
        super(OutputFile.class);
        this.results = List.copyOf(results);
        this.encoders = List.copyOf(encoders);
        this.pies = List.copyOf(pies);
        this.params = params;
    }

    public static WriteReport of(List<Artifact<ProbeResult>> results) {
        return new WriteReport(results, List.of(), List.of(), new Params("", "", new TreeMap<>(), Grouping.thirds()));
    }

    /** Names the workflow and dataset and lists the parameters in the report. */
    public WriteReport describing(String workflow, String dataset, Map<String, Object> workflowParams) {
        return new WriteReport(results, encoders, pies, new Params(workflow, dataset, new TreeMap<>(workflowParams),
                params.grouping()));
    }

    /** The Many / Medium / Few rule: {@link Grouping#thirds()} (default; CIFAR) or thresholds (ImageNet). */
    public WriteReport groupedBy(Grouping grouping) {
        return new WriteReport(results, encoders, pies,
                new Params(params.workflow(), params.dataset(), params.params(), grouping));
    }

    /**
     * Adds the training curves of these encoders (loss per epoch; for SDCLR the mask's kept fraction and threshold
     * per epoch), replacing any given before.
     */
    public WriteReport withEncoders(List<Artifact<Encoder>> encoderArtifacts) {
        return new WriteReport(results, encoderArtifacts, pies, params);
    }

    /** Adds the PIE analyses of these artifacts (one record per encoder), replacing any given before. */
    public WriteReport withPies(List<Artifact<PieAnalysis>> pieArtifacts) {
        return new WriteReport(results, encoders, pieArtifacts, params);
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("workflow", params.workflow(), "dataset", params.dataset(), "grouping",
                params.grouping().toString(), "shownParams", params.params().toString());
    }

    /** The CLI contract's outputs: report.html, report.md and results.json, among any other files. */
    @Override
    public OutputContract<OutputFile> outputContract() {
        List<String> required = List.of(ReportRenderer.REPORT_HTML, ReportRenderer.REPORT_MD,
                ReportRenderer.RESULTS_JSON);
        return OutputContract.<OutputFile>atLeast(required.size()).andAll(String.join(", ", required)
                + " among the files", files -> files.stream().map(f -> f.getPath().toString()).toList()
                        .containsAll(required));
    }

    @Override
    public List<Artifact<?>> inputs() {
        List<Artifact<?>> all = new ArrayList<>(results);
        all.addAll(encoders);
        all.addAll(pies);
        return all;
    }

    @Override
    public PCollection<OutputFile> expand(StepInput in) {
        // Encoders and PIE analyses are few small records: side inputs of the one render call.
        PCollectionView<List<Encoder>> encoderView = view(in, "encoders", encoders, Encoder.class);
        PCollectionView<List<PieAnalysis>> pieView = view(in, "pies", pies, PieAnalysis.class);
        List<PCollectionView<?>> sideInputs = new ArrayList<>();
        if (encoderView != null) {
            sideInputs.add(encoderView);
        }
        if (pieView != null) {
            sideInputs.add(pieView);
        }
        return flatten(in, "flatten", results, ProbeResult.class)
                .apply("gather", Gather.all())
                .apply("render", ParDo.of(new Render(params, encoderView, pieView)).withSideInputs(sideInputs));
    }

    private static <T extends SpecificRecord> PCollection<T> flatten(StepInput in, String name,
            List<Artifact<T>> artifacts, Class<T> type) {
        PCollectionList<T> all = PCollectionList.empty(in.getPipeline());
        for (Artifact<T> a : artifacts) {
            all = all.and(in.get(a));
        }
        return all.apply(name, Flatten.pCollections()).setCoder(AvroCoder.specific(type));
    }

    /** All records of {@code artifacts} as one list side input; null when there are none. */
    private static <T extends SpecificRecord> PCollectionView<List<T>> view(StepInput in, String name,
            List<Artifact<T>> artifacts, Class<T> type) {
        if (artifacts.isEmpty()) {
            return null;
        }
        return flatten(in, "flatten " + name, artifacts, type).apply("view " + name, View.asList());
    }

    /**
     * The report's name of an encoder's method: {@code simclr}, {@code sdclr}, or with {@code -balanced} appended
     * for the balanced control (pretrained on D_b).
     */
    static String methodKey(Method method, TrainSet trainSet) {
        String m = method.name().toLowerCase(Locale.ROOT);
        return trainSet == TrainSet.BALANCED ? m + "-balanced" : m;
    }

    /** Renders all results at once. */
    static final class Render extends DoFn<Iterable<ProbeResult>, OutputFile> {
        private static final long serialVersionUID = 1L;
        private final Params params;
        private final PCollectionView<List<Encoder>> encoders;
        private final PCollectionView<List<PieAnalysis>> pies;

        /** {@code encoders} and {@code pies} may be null: none given. */
        Render(Params params, PCollectionView<List<Encoder>> encoders, PCollectionView<List<PieAnalysis>> pies) {
            this.params = params;
            this.encoders = encoders;
            this.pies = pies;
        }

        @ProcessElement
        public void process(ProcessContext c) {
            Iterable<ProbeResult> all = c.element();
            List<ProbeResult> sorted = new ArrayList<>();
            all.forEach(sorted::add);
            sorted.sort(Comparator.comparing((ProbeResult r) -> methodKey(r.getMethod(), r.getTrainSet()))
                    .thenComparing(ProbeResult::getEvaluation).thenComparingInt(ProbeResult::getSplit));
            Map<Integer, SplitCounts> splits = new TreeMap<>();
            List<EvaluationResult> results = new ArrayList<>();
            Map<String, String> labels = new TreeMap<>();
            for (ProbeResult r : sorted) {
                String k = r.getDetails().get("k");
                if (k != null) {
                    // kNN results carry their k; knn (the first k) and knn20 alike are labelled with it.
                    String label = "kNN, k = " + k;
                    String previous = labels.putIfAbsent(r.getEvaluation(), label);
                    if (previous != null && !previous.equals(label)) {
                        throw new IllegalStateException("results of evaluation " + r.getEvaluation()
                                + " disagree on k: " + previous + " and " + label);
                    }
                }
                int[] counts = r.getClassCounts().stream().mapToInt(Integer::intValue).toArray();
                SplitCounts previous = splits.putIfAbsent(r.getSplit(), new SplitCounts(r.getSplit(), counts));
                if (previous != null && !previous.equals(new SplitCounts(r.getSplit(), counts))) {
                    throw new IllegalStateException("results of split " + r.getSplit()
                            + " disagree on its class counts");
                }
                results.add(new EvaluationResult(methodKey(r.getMethod(), r.getTrainSet()), r.getEvaluation(),
                        r.getSplit(),
                        r.getPerClassAccuracy().stream().mapToDouble(Double::doubleValue).toArray()));
            }
            List<TrainingCurve> curves = new ArrayList<>();
            for (Encoder e : encoders == null ? List.<Encoder>of() : c.sideInput(encoders)) {
                curves.add(new TrainingCurve(methodKey(e.getMethod(), e.getTrainSet()), e.getSplit(),
                        e.getLossPerEpoch().stream().mapToDouble(Float::doubleValue).toArray(),
                        e.getMaskKeptPerEpoch().stream().mapToDouble(Double::doubleValue).toArray(),
                        e.getMaskThresholdPerEpoch().stream().mapToDouble(Float::doubleValue).toArray()));
            }
            ReportInput input = new ReportInput(params.workflow(), params.dataset(),
                    new LinkedHashMap<>(params.params()), params.grouping(), new ArrayList<>(splits.values()),
                    results, labels, curves, pies == null ? List.of() : c.sideInput(pies));
            for (Map.Entry<String, byte[]> f : ReportRenderer.render(input).entrySet()) {
                c.output(OutputFile.newBuilder().setPath(f.getKey()).setContent(ByteBuffer.wrap(f.getValue()))
                        .build());
            }
        }
    }
}
