package io.sdclr.steps.eval;

import io.sdclr.dsl.Artifact;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.LongTailSplit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * Weighted k-nearest-neighbour classification (cosine similarity, votes weighted by exp(sim/τ), τ 0.07) of the
 * test features against the balanced pool: a cheap third view of representation quality, no training. Several k
 * share one neighbour search; the first k is reported as evaluation {@code knn}, every further k as
 * {@code knn<k>} (e.g. {@code knn20}).
 *
 * <pre>{@code
 * wf.step("knn-sdclr-s0", ClassifyKnn.on(features, "sdclr").groupedBy(subset, 0).k(200, 20));
 * }</pre>
 */
public final class ClassifyKnn extends EvaluateFeatures<ClassifyKnn.Params> {
    private static final long serialVersionUID = 1L;

    /** Parameters ({@code knn.*}); {@code k} lists the neighbour counts, the first one reported as {@code knn}. */
    public record Params(String method, int split, List<Integer> k, double temperature)
            implements java.io.Serializable, Subject {
        public Params {
            k = List.copyOf(k);
            if (k.isEmpty() || k.stream().anyMatch(v -> v < 1) || k.stream().distinct().count() != k.size()) {
                throw new IllegalArgumentException("k must be distinct values >= 1, was " + k);
            }
            if (!(temperature > 0)) {
                throw new IllegalArgumentException("temperature must be > 0, was " + temperature);
            }
        }
    }

    private final Params params;

    private ClassifyKnn(Artifact<Feature> features, Artifact<LongTailSplit> subset, Params params) {
        super("knn", features, subset);
        this.params = params;
    }

    public static Builder on(Artifact<Feature> features, String method) {
        return new Builder(features, method);
    }

    /** Second half of {@code ClassifyKnn.on(features, method).groupedBy(subset, split)}. */
    public static final class Builder {
        private final Artifact<Feature> features;
        private final String method;

        private Builder(Artifact<Feature> features, String method) {
            this.features = features;
            this.method = method;
        }

        /** k = 200 (reported as {@code knn}) and 20 ({@code knn20}), τ = 0.07. */
        public ClassifyKnn groupedBy(Artifact<LongTailSplit> subset, int split) {
            return new ClassifyKnn(features, subset, new Params(method, split, List.of(200, 20),
                    KnnClassifier.DEFAULT_TEMPERATURE));
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
        return new ClassifyKnn(features(), subset(), new Params(params.method(), params.split(), k,
                params.temperature()));
    }

    public ClassifyKnn temperature(double t) {
        return new ClassifyKnn(features(), subset(), new Params(params.method(), params.split(), params.k(), t));
    }

    /**
     * Parses a {@code knn.k} value: comma-separated distinct positive integers, e.g. {@code "200,20"}.
     *
     * @throws IllegalArgumentException naming the value and what was expected
     */
    public static List<Integer> parseK(String value) {
        List<Integer> out = new ArrayList<>();
        for (String part : value.split(",")) {
            try {
                int v = Integer.parseInt(part.strip());
                if (v < 1 || out.contains(v)) {
                    throw new NumberFormatException();
                }
                out.add(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("knn.k=\"" + value
                        + "\": expected distinct positive integers separated by commas, e.g. 200,20");
            }
        }
        return out;
    }

    /** Evaluation name of the i-th k. */
    static String evaluationName(List<Integer> ks, int i) {
        return i == 0 ? "knn" : "knn" + ks.get(i);
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    SerializableFunction<FeatureSets, Map<String, Outcome>> evaluations() {
        List<Integer> ks = params.k();
        double t = params.temperature();
        return sets -> {
            int bank = sets.pool().y().length;
            int[] k = ks.stream().mapToInt(Integer::intValue).toArray();
            double[][] acc = KnnClassifier.perClassAccuracy(sets.pool(), sets.test(), sets.numClasses(), k, t);
            Map<String, Outcome> out = new LinkedHashMap<>();
            for (int i = 0; i < k.length; i++) {
                out.put(evaluationName(ks, i), new Outcome(acc[i], 0, 0, Map.of("k", Integer.toString(k[i]),
                        "temperature", Double.toString(t), "bank", Integer.toString(bank))));
            }
            return out;
        };
    }
}
