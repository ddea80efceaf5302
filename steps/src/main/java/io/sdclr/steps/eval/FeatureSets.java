package io.sdclr.steps.eval;

import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.Source;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The feature sets of one split that the evaluations use, each sorted by image id: the balanced pool (linear
 * probe and kNN bank), the few-shot set S_b, the validation set and the test set.
 */
record FeatureSets(LabeledFeatures pool, LabeledFeatures fewShot, LabeledFeatures val, LabeledFeatures test,
        int[] classCounts, int numClasses) {

    /** Splits all features of a dataset by the ids of {@code split}; fails if an id of the split has no feature. */
    public static FeatureSets of(Iterable<Feature> all, LongTailSplit split) {
        List<Feature> sorted = new ArrayList<>();
        all.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(Feature::getId));
        Set<Long> pool = new HashSet<>(split.getPoolIds());
        Set<Long> few = new HashSet<>(split.getFewShotIds());
        Set<Long> val = new HashSet<>(split.getValIds());
        List<Feature> p = new ArrayList<>();
        List<Feature> f = new ArrayList<>();
        List<Feature> v = new ArrayList<>();
        List<Feature> t = new ArrayList<>();
        for (Feature x : sorted) {
            if (x.getSource() == Source.TEST) {
                t.add(x);
                continue;
            }
            if (pool.contains(x.getId())) {
                p.add(x);
            }
            if (few.contains(x.getId())) {
                f.add(x);
            }
            if (val.contains(x.getId())) {
                v.add(x);
            }
        }
        check("pool", p.size(), pool.size(), split);
        check("few-shot set", f.size(), few.size(), split);
        check("validation set", v.size(), val.size(), split);
        if (t.isEmpty()) {
            throw new IllegalStateException("no test features: the data artifact has no TEST images");
        }
        int[] counts = split.getClassCounts().stream().mapToInt(Integer::intValue).toArray();
        return new FeatureSets(labeled(p), labeled(f), labeled(v), labeled(t), counts, split.getNumClasses());
    }

    private static void check(String what, int found, int expected, LongTailSplit split) {
        if (found != expected) {
            throw new IllegalStateException(String.format(
                    "split %d: the %s lists %d images but features exist for %d of them", split.getSplit(), what,
                    expected, found));
        }
    }

    private static LabeledFeatures labeled(List<Feature> fs) {
        float[][] x = new float[fs.size()][];
        int[] y = new int[fs.size()];
        for (int i = 0; i < x.length; i++) {
            ByteBuffer vals = fs.get(i).getValues().duplicate().order(ByteOrder.LITTLE_ENDIAN);
            x[i] = new float[vals.remaining() / 4];
            vals.asFloatBuffer().get(x[i]);
            y[i] = fs.get(i).getLabel();
        }
        return new LabeledFeatures(x, y);
    }
}
