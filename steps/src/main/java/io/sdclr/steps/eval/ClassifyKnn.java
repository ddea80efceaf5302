package io.sdclr.steps.eval;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.OutputContract;
import io.sdclr.dsl.Param;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepInput;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.ProbeResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.PCollection;

/**
 * Weighted k-nearest-neighbour classification (cosine similarity, votes weighted by exp(sim/τ), τ 0.07) of the
 * test features against the balanced pool: a cheap third view of representation quality, no training. Several k
 * share one neighbour search; the first k is reported as evaluation {@code knn}, every further k as
 * {@code knn<k>} (e.g. {@code knn20}).
 *
 * <pre>{@code
 * wf.step("knn-sdclr-s0", ClassifyKnn.on(features).groupedBy(subset).k(200, 20));
 * }</pre>
 */
public final class ClassifyKnn extends Step<ProbeResult> {
    private static final long serialVersionUID = 1L;

    public static final Param<List<Integer>> K = Param.integers("knn.k", List.of(200, 20),
                    "kNN neighbour counts, comma-separated; the first is reported as knn, the others as knn<k>")
            .requiring(ks -> ks.stream().allMatch(v -> v >= 1) && ks.stream().distinct().count() == ks.size(),
                    "be distinct positive integers separated by commas, e.g. 200,20");
    public static final Param<Double> TEMPERATURE = Param.decimal("knn.temperature",
            KnnClassifier.DEFAULT_TEMPERATURE, "kNN vote temperature: weights exp(similarity / t)")
            .requiring(v -> v > 0, "be > 0");

    private final Artifact<Feature> features;
    private final Artifact<LongTailSplit> subset;

    private ClassifyKnn(Artifact<Feature> features, Artifact<LongTailSplit> subset) {
        super(ProbeResult.class, K, TEMPERATURE);
        this.features = features;
        this.subset = subset;
    }

    public static Builder on(Artifact<Feature> features) {
        return new Builder(features);
    }

    /** Second half of {@code ClassifyKnn.on(features).groupedBy(subset)}. */
    public static final class Builder {
        private final Artifact<Feature> features;

        private Builder(Artifact<Feature> features) {
            this.features = features;
        }

        /** k = 200 (reported as {@code knn}) and 20 ({@code knn20}), τ = 0.07, on the features' split. */
        public ClassifyKnn groupedBy(Artifact<LongTailSplit> subset) {
            return new ClassifyKnn(features, subset);
        }
    }

    /** The neighbour counts; the first is reported as {@code knn}, the others as {@code knn<k>}. */
    public ClassifyKnn k(int... k) {
        List<Integer> ks = new ArrayList<>();
        for (int v : k) {
            ks.add(v);
        }
        return k(ks);
    }

    public ClassifyKnn k(List<Integer> k) {
        return withParam(K, k);
    }

    public ClassifyKnn temperature(double t) {
        return withParam(TEMPERATURE, t);
    }

    /** Evaluation name of the i-th k. */
    static String evaluationName(List<Integer> ks, int i) {
        return i == 0 ? "knn" : "knn" + ks.get(i);
    }

    @Override
    public List<Artifact<?>> inputs() {
        return List.of(features, subset);
    }

    /** One result per k ({@code knn}, {@code knn20}, ...), each with an accuracy for every class. */
    @Override
    public OutputContract<ProbeResult> outputContract() {
        List<Integer> ks = get(K);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < ks.size(); i++) {
            names.add(evaluationName(ks, i));
        }
        return OutputContract.<ProbeResult>exactly(ks.size())
                .andEach("one accuracy per class", r -> r.getPerClassAccuracy().size() == r.getClassCounts().size()
                        && !r.getClassCounts().isEmpty())
                .andAll("one result for each of " + String.join(", ", names), all -> all.stream()
                        .map(r -> r.getEvaluation().toString()).sorted().toList()
                        .equals(names.stream().sorted().toList()));
    }

    @Override
    public PCollection<ProbeResult> expand(StepInput in) {
        List<Integer> ks = get(K);
        double t = get(TEMPERATURE);
        return in.get(features).apply(new EvaluateFeatures(in.records(subset), sets -> {
            int bank = sets.pool().y().length;
            int[] k = ks.stream().mapToInt(Integer::intValue).toArray();
            double[][] acc = KnnClassifier.perClassAccuracy(sets.pool(), sets.test(), sets.numClasses(), k, t);
            Map<String, EvaluateFeatures.Outcome> out = new LinkedHashMap<>();
            for (int i = 0; i < k.length; i++) {
                out.put(evaluationName(ks, i), new EvaluateFeatures.Outcome(acc[i], 0, 0, Map.of("k",
                        Integer.toString(k[i]), "temperature", Double.toString(t), "bank", Integer.toString(bank))));
            }
            return out;
        }));
    }
}
