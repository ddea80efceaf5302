package io.sdclr.steps.eval;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepInput;
import io.sdclr.pipeline.beam.Gather;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.ProbeResult;
import io.sdclr.steps.subset.SplitRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;

/**
 * Common shape of the evaluations: gather one encoder's features, split them by one long-tailed split, compute
 * per-class test accuracy, emit one {@link ProbeResult}.
 */
abstract class EvaluateFeatures<P extends Record & EvaluateFeatures.Subject>
        extends Step<P, ProbeResult> {
    private static final long serialVersionUID = 1L;

    /** What every evaluation's parameters name: whose features it evaluates, on which split. */
    interface Subject {
        String method();

        int split();
    }

    /** What an evaluation computes from the feature sets of its split. */
    record Outcome(double[] perClassAccuracy, int selectedEpoch, double validationAccuracy,
            Map<String, String> details) {}

    private final Artifact<Feature> features;
    private final Artifact<LongTailSplit> subset;

    EvaluateFeatures(String kind, Artifact<Feature> features, Artifact<LongTailSplit> subset) {
        super(kind, ProbeResult.class);
        this.features = features;
        this.subset = subset;
    }

    Artifact<Feature> features() {
        return features;
    }

    Artifact<LongTailSplit> subset() {
        return subset;
    }

    /**
     * The evaluation itself, serializable so it runs inside the DoFn: every result this step emits, by evaluation
     * name ({@code linear}, {@code fewshot}, {@code knn}, ...); kNN emits one per k from one neighbour search.
     */
    abstract SerializableFunction<FeatureSets, Map<String, Outcome>> evaluations();

    /** The results.json name of a step kind's evaluation: the linear probe's kind is {@code probe}. */
    static String evaluationName(String kind) {
        return kind.equals("probe") ? "linear" : kind;
    }

    @Override
    public List<Artifact<?>> inputs() {
        return List.of(features, subset);
    }

    @Override
    public Set<Class<?>> codeClasses() {
        return Set.of(getClass());
    }

    @Override
    public PCollection<ProbeResult> expand(StepInput in) {
        // The split is one small record of a committed artifact: read in @Setup rather than as a side input.
        return in.get(features)
                .apply("gather", Gather.all())
                .apply("evaluate", ParDo.of(new Evaluate(params().method(), params().split(),
                        evaluations(), in.context().inputDir(subset))));
    }

    /** Runs the evaluation over all features of one encoder. */
    static final class Evaluate extends DoFn<Iterable<Feature>, ProbeResult> {
        private static final long serialVersionUID = 1L;
        private final String method;
        private final int split;
        private final SerializableFunction<FeatureSets, Map<String, Outcome>> evaluation;
        private final String subsetDir;
        private transient LongTailSplit splitRecord;

        Evaluate(String method, int split, SerializableFunction<FeatureSets, Map<String, Outcome>> evaluation,
                String subsetDir) {
            this.method = method;
            this.split = split;
            this.evaluation = evaluation;
            this.subsetDir = subsetDir;
        }

        @Setup
        public void setup() {
            splitRecord = SplitRecords.split(subsetDir, split);
        }

        @ProcessElement
        public void process(@Element Iterable<Feature> all, OutputReceiver<ProbeResult> out) {
            LongTailSplit s = splitRecord;
            FeatureSets sets = FeatureSets.of(all, s);
            for (Map.Entry<String, Outcome> e : new java.util.TreeMap<>(evaluation.apply(sets)).entrySet()) {
                out.output(result(e.getKey(), method, split, s, e.getValue()));
            }
        }
    }

    /**
     * The output record of an evaluation of {@code method}'s features on split {@code s}; {@code evaluation} is the
     * evaluation's name or its step kind ({@code probe} is named {@code linear}).
     */
    static ProbeResult result(String evaluation, String method, int split, LongTailSplit s, Outcome o) {
        List<Double> acc = new ArrayList<>();
        for (double a : o.perClassAccuracy()) {
            acc.add(a);
        }
        return ProbeResult.newBuilder()
                .setMethod(method)
                .setEvaluation(evaluationName(evaluation))
                .setSplit(split)
                .setPerClassAccuracy(acc)
                .setClassCounts(s.getClassCounts())
                .setSelectedEpoch(o.selectedEpoch())
                .setValidationAccuracy(o.validationAccuracy())
                .setDetails(o.details())
                .build();
    }
}
