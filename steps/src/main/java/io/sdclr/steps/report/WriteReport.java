package io.sdclr.steps.report;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.OutputFile;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepInput;
import io.sdclr.dsl.Gather;
import io.sdclr.steps.report.Grouping;
import io.sdclr.steps.avro.Method;
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
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;

/**
 * Renders the paper's tables (Many/Medium/Few/Std/All for linear, few-shot and kNN evaluation, mean ± sd over
 * splits) with charts, as {@code report.md}, {@code report.html} and {@code results.json}. Publish its output to
 * have the files written to the run's output directory.
 *
 * <pre>{@code
 * wf.publish(wf.step("report", WriteReport.of(wf.outputsOf(ProbeResult.class))
 *     .describing("fmnist-lt", "fashion-mnist", params.asMap())));
 * }</pre>
 */
public final class WriteReport extends Step<OutputFile> {
    private static final long serialVersionUID = 1L;

    /** What the report says about the run besides the results: settings of the workflow's code, not tunables. */
    record Params(String workflow, String dataset, TreeMap<String, Object> params, Grouping grouping)
            implements java.io.Serializable {}

    private final List<Artifact<ProbeResult>> results;
    private final Params params;

    private WriteReport(List<Artifact<ProbeResult>> results, Params params) {
        super(OutputFile.class);
        this.results = List.copyOf(results);
        this.params = params;
    }

    public static WriteReport of(List<Artifact<ProbeResult>> results) {
        return new WriteReport(results, new Params("", "", new TreeMap<>(), Grouping.thirds()));
    }

    /** Names the workflow and dataset and lists the parameters in the report. */
    public WriteReport describing(String workflow, String dataset, Map<String, Object> workflowParams) {
        return new WriteReport(results, new Params(workflow, dataset, new TreeMap<>(workflowParams),
                params.grouping()));
    }

    /** The Many / Medium / Few rule: {@link Grouping#thirds()} (default; CIFAR) or thresholds (ImageNet). */
    public WriteReport groupedBy(Grouping grouping) {
        return new WriteReport(results, new Params(params.workflow(), params.dataset(), params.params(), grouping));
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("workflow", params.workflow(), "dataset", params.dataset(), "grouping",
                params.grouping().toString(), "shownParams", params.params().toString());
    }

    @Override
    public List<Artifact<?>> inputs() {
        return new ArrayList<>(results);
    }

    @Override
    public PCollection<OutputFile> expand(StepInput in) {
        PCollectionList<ProbeResult> all = PCollectionList.empty(in.getPipeline());
        for (Artifact<ProbeResult> r : results) {
            all = all.and(in.get(r));
        }
        return all.apply("flatten", Flatten.pCollections())
                .apply("gather", Gather.all())
                .apply("render", ParDo.of(new Render(params)));
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

        Render(Params params) {
            this.params = params;
        }

        @ProcessElement
        public void process(@Element Iterable<ProbeResult> all, OutputReceiver<OutputFile> out) {
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
            ReportInput input = new ReportInput(params.workflow(), params.dataset(),
                    new LinkedHashMap<>(params.params()), params.grouping(), new ArrayList<>(splits.values()),
                    results, labels);
            for (Map.Entry<String, byte[]> f : ReportRenderer.render(input).entrySet()) {
                out.output(OutputFile.newBuilder().setPath(f.getKey()).setContent(ByteBuffer.wrap(f.getValue()))
                        .build());
            }
        }
    }
}
