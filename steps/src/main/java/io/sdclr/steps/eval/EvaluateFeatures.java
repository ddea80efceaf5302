package io.sdclr.steps.eval;

import io.sdclr.dsl.Gather;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Method;
import io.sdclr.steps.avro.TrainSet;
import io.sdclr.steps.avro.ProbeResult;
import io.sdclr.steps.internal.subset.SplitRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;

/**
 * The Beam body every evaluation on cached features shares: gather one encoder's features, split them by the
 * long-tailed split they were pretrained on (the features say which, and which method), run the evaluation, emit
 * its {@link ProbeResult}s.
 *
 * <pre>{@code
 * PCollection<ProbeResult> r = in.get(features).apply(new EvaluateFeatures(in.records(subset), sets -> ...));
 * }</pre>
 */
final class EvaluateFeatures extends PTransform<PCollection<Feature>, PCollection<ProbeResult>> {
    private static final long serialVersionUID = 1L;

    /** What an evaluation computes from the feature sets of its split. */
    record Outcome(double[] perClassAccuracy, int selectedEpoch, double validationAccuracy,
            Map<String, String> details) {}

    private final List<LongTailSplit> splits;
    private final SerializableFunction<FeatureSets, Map<String, Outcome>> evaluation;

    /**
     * @param splits every split of the subset artifact
     * @param evaluation every result by evaluation name ({@code linear}, {@code fewshot}, {@code knn}, ...)
     */
    EvaluateFeatures(List<LongTailSplit> splits, SerializableFunction<FeatureSets, Map<String, Outcome>> evaluation) {
        this.splits = List.copyOf(splits);
        this.evaluation = evaluation;
    }

    @Override
    public PCollection<ProbeResult> expand(PCollection<Feature> features) {
        return features.apply("gather", Gather.all()).apply("evaluate", ParDo.of(new Evaluate(splits, evaluation)));
    }

    /** Runs the evaluation over all features of one encoder. */
    static final class Evaluate extends DoFn<Iterable<Feature>, ProbeResult> {
        private static final long serialVersionUID = 1L;
        private final List<LongTailSplit> splits;
        private final SerializableFunction<FeatureSets, Map<String, Outcome>> evaluation;

        Evaluate(List<LongTailSplit> splits, SerializableFunction<FeatureSets, Map<String, Outcome>> evaluation) {
            this.splits = splits;
            this.evaluation = evaluation;
        }

        @ProcessElement
        public void process(@Element Iterable<Feature> gathered, OutputReceiver<ProbeResult> out) {
            List<Feature> all = new ArrayList<>();
            gathered.forEach(all::add);
            Identity id = Identity.of(all);
            LongTailSplit s = SplitRecords.find(splits, id.split());
            FeatureSets sets = FeatureSets.of(all, s);
            for (Map.Entry<String, Outcome> e : new TreeMap<>(evaluation.apply(sets)).entrySet()) {
                out.output(result(e.getKey(), id, s, e.getValue()));
            }
        }
    }

    /** Whose features these are: one method, split and training set, which every feature must agree on. */
    record Identity(Method method, int split, TrainSet trainSet) {
        /** The identity of the encoder that {@code e} describes. */
        static Identity of(Encoder e) {
            return new Identity(e.getMethod(), e.getSplit(), e.getTrainSet());
        }

        /**
         * The identity of {@code features}, which must be those of {@code encoder}; {@code what} says what to use
         * instead, e.g. "augment with the encoder the features came from".
         */
        static Identity ofFeaturesOf(Encoder encoder, Iterable<Feature> features, String role, String what) {
            Identity id = of(features);
            if (!id.equals(of(encoder))) {
                throw new IllegalStateException(String.format("the features are those of %s but the %s is %s: %s", id,
                        role, of(encoder), what));
            }
            return id;
        }

        static Identity of(Iterable<Feature> all) {
            Identity id = null;
            for (Feature f : all) {
                Identity x = new Identity(f.getMethod(), f.getSplit(), f.getTrainSet());
                if (id == null) {
                    id = x;
                } else if (!id.equals(x)) {
                    throw new IllegalStateException("features of two encoders were mixed: " + id + " and " + x);
                }
            }
            if (id == null) {
                throw new IllegalStateException("no features to evaluate");
            }
            return id;
        }
    }

    /** The output record of an evaluation of the features of encoder {@code id} on split {@code s}. */
    static ProbeResult result(String evaluation, Identity id, LongTailSplit s, Outcome o) {
        List<Double> acc = new ArrayList<>();
        for (double a : o.perClassAccuracy()) {
            acc.add(a);
        }
        return ProbeResult.newBuilder()
                .setMethod(id.method())
                .setTrainSet(id.trainSet())
                .setEvaluation(evaluation)
                .setSplit(s.getSplit())
                .setPerClassAccuracy(acc)
                .setClassCounts(s.getClassCounts())
                .setSelectedEpoch(o.selectedEpoch())
                .setValidationAccuracy(o.validationAccuracy())
                .setDetails(o.details())
                .build();
    }
}
