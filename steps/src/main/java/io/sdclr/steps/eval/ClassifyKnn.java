package io.sdclr.steps.eval;

import io.sdclr.dsl.Artifact;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.LongTailSplit;
import java.util.Map;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * Weighted k-nearest-neighbour classification (cosine similarity, votes weighted by exp(sim/τ)) of the test
 * features against the balanced pool: a cheap third view of representation quality, no training.
 *
 * <pre>{@code
 * wf.step("knn-sdclr-s0", ClassifyKnn.on(features, "sdclr").groupedBy(subset, 0).k(200));
 * }</pre>
 */
public final class ClassifyKnn extends EvaluateFeatures<ClassifyKnn.Params> {
    private static final long serialVersionUID = 1L;

    /** Parameters ({@code knn.*}). */
    public record Params(String method, int split, int k, double temperature)
            implements java.io.Serializable, Subject {
        public Params {
            if (k < 1) {
                throw new IllegalArgumentException("k must be >= 1, was " + k);
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

        public ClassifyKnn groupedBy(Artifact<LongTailSplit> subset, int split) {
            return new ClassifyKnn(features, subset, new Params(method, split, 200, 0.07));
        }
    }

    public ClassifyKnn k(int k) {
        return new ClassifyKnn(features(), subset(), new Params(params.method(), params.split(), k,
                params.temperature()));
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    SerializableFunction<FeatureSets, Outcome> evaluation() {
        int k = params.k();
        double t = params.temperature();
        return sets -> new Outcome(KnnClassifier.perClassAccuracy(sets.pool(), sets.test(), sets.numClasses(), k, t),
                0, 0, Map.of("k", Integer.toString(k), "bank", Integer.toString(sets.pool().y().length)));
    }
}
