package io.sdclr.steps.report;

import io.sdclr.steps.avro.PieAnalysis;
import io.sdclr.steps.avro.PieExample;
import io.sdclr.steps.avro.PieRates;
import io.sdclr.steps.internal.metrics.Group;
import io.sdclr.steps.internal.metrics.MeanSd;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The PIE numbers of one method, computed from its {@link PieAnalysis} records (one per split) the way the accuracies
 * are: per split, a group's rate is the mean per-class PIE rate of its classes (grouped by the split's D_i counts,
 * the report's {@link Grouping}); over splits, mean ± population sd. Classes without images (NaN rate) are left out
 * of their group's mean; a split whose group has no rate is left out of the mean over splits.
 *
 * <pre>{@code
 * PieModel.Method m = PieModel.of("sdclr", analyses, numClasses, knownSplitCounts, grouping);
 * m.primary().groups().few().mean();   // PIE rate (%) of the Few group, linear classifiers on D_i
 * }</pre>
 */
final class PieModel {

    /** The primary definition: linear classifiers, the images of D_i. */
    static final String PRIMARY_CLASSIFIER = "linear";

    static final String PRIMARY_IMAGES = "train";

    private static final List<String> CLASSIFIER_ORDER = List.of("linear", "knn");
    private static final List<String> IMAGES_ORDER = List.of("train", "test");

    /** Many / Medium / Few / All PIE rates (percent), mean ± population sd over splits. */
    record Groups(MeanSd many, MeanSd medium, MeanSd few, MeanSd all) {
        List<MeanSd> asList() {
            return List.of(many, medium, few, all);
        }
    }

    /** One classifier on one set of images, over the splits that have it (ascending). */
    record RateSet(String classifier, String images, List<Integer> splits, Groups groups, MeanSd denseAccuracy,
            MeanSd prunedAccuracy) {}

    /**
     * The primary PIE rate of one class over splits.
     *
     * @param counts the class's D_i count in each split of {@link Method#primarySplits()}
     */
    record ClassRate(int classId, List<Integer> counts, MeanSd rate) {}

    /**
     * The class at one head-to-tail rank (D_i count descending), averaged over splits: its mean D_i count and mean
     * primary PIE rate; {@code classId} is -1 when different splits have different classes at the rank.
     */
    record RankPoint(int rank, double count, double rate, int classId) {}

    /** Everything the report shows about one method's PIEs. */
    record Method(
            String method,
            List<PieAnalysis> perSplit,
            RateSet primary,
            List<RateSet> rateSets,
            List<Integer> primarySplits,
            List<ClassRate> perClass,
            List<RankPoint> byRank,
            PieAnalysis gridSource) {

        /** Whether the primary definition (linear, D_i) was analysed on any split. */
        boolean hasPrimary() {
            return primary != null;
        }
    }

    private PieModel() {}

    /**
     * The PIE numbers of {@code method} from its analyses (any order, one per split).
     *
     * @param knownCounts D_i counts of the splits the probe results name; an analysis of such a split must agree
     */
    static Method of(String method, List<PieAnalysis> analyses, int numClasses, Map<Integer, SplitCounts> knownCounts,
            Grouping grouping) {
        TreeMap<Integer, PieAnalysis> bySplit = new TreeMap<>();
        for (PieAnalysis a : analyses) {
            check(method, a, numClasses, knownCounts);
            if (bySplit.put(a.getSplit(), a) != null) {
                throw new IllegalArgumentException("PIE analysis of " + method + " has two records for split "
                        + a.getSplit());
            }
        }
        List<PieAnalysis> perSplit = List.copyOf(bySplit.values());

        // classifier → images → split → rates, in display order.
        Map<String, Map<String, TreeMap<Integer, PieRates>>> sets = new TreeMap<>(order(CLASSIFIER_ORDER));
        for (PieAnalysis a : perSplit) {
            for (PieRates r : a.getRates()) {
                PieRates previous = sets.computeIfAbsent(r.getClassifier(), k -> new TreeMap<>(order(IMAGES_ORDER)))
                        .computeIfAbsent(r.getImages(), k -> new TreeMap<>())
                        .put(a.getSplit(), r);
                if (previous != null) {
                    throw new IllegalArgumentException("PIE analysis of " + method + " split " + a.getSplit()
                            + " has two rate sets for " + r.getClassifier() + " on " + r.getImages() + " images");
                }
            }
        }
        List<RateSet> rateSets = new ArrayList<>();
        RateSet primary = null;
        for (Map.Entry<String, Map<String, TreeMap<Integer, PieRates>>> c : sets.entrySet()) {
            for (Map.Entry<String, TreeMap<Integer, PieRates>> i : c.getValue().entrySet()) {
                RateSet set = rateSet(c.getKey(), i.getKey(), i.getValue(), bySplit, grouping);
                rateSets.add(set);
                if (c.getKey().equals(PRIMARY_CLASSIFIER) && i.getKey().equals(PRIMARY_IMAGES)) {
                    primary = set;
                }
            }
        }

        List<Integer> primarySplits = List.of();
        List<ClassRate> perClass = List.of();
        List<RankPoint> byRank = List.of();
        if (primary != null) {
            TreeMap<Integer, PieRates> rates = sets.get(PRIMARY_CLASSIFIER).get(PRIMARY_IMAGES);
            primarySplits = List.copyOf(rates.keySet());
            perClass = perClass(rates, bySplit, numClasses);
            byRank = byRank(rates, bySplit, numClasses);
        }
        PieAnalysis grid = bySplit.containsKey(0) ? bySplit.get(0) : perSplit.get(0);
        return new Method(method, perSplit, primary, List.copyOf(rateSets), primarySplits, perClass, byRank,
                grid.getExamples().isEmpty() ? null : grid);
    }

    /** Known names in their fixed order, then the others alphabetically. */
    private static Comparator<String> order(List<String> known) {
        return Comparator.<String>comparingInt(s -> known.contains(s) ? known.indexOf(s) : known.size())
                .thenComparing(Comparator.naturalOrder());
    }

    private static RateSet rateSet(String classifier, String images, TreeMap<Integer, PieRates> rates,
            Map<Integer, PieAnalysis> bySplit, Grouping grouping) {
        List<double[]> perSplit = new ArrayList<>();
        double[] dense = new double[rates.size()];
        double[] pruned = new double[rates.size()];
        int i = 0;
        for (Map.Entry<Integer, PieRates> e : rates.entrySet()) {
            perSplit.add(groupRates(doubles(e.getValue().getPerClassRate()),
                    grouping.assign(ints(bySplit.get(e.getKey()).getClassCounts()))));
            dense[i] = e.getValue().getDenseAccuracy();
            pruned[i] = e.getValue().getPrunedAccuracy();
            i++;
        }
        Groups groups = new Groups(overSplits(perSplit, 0), overSplits(perSplit, 1), overSplits(perSplit, 2),
                overSplits(perSplit, 3));
        return new RateSet(classifier, images, List.copyOf(rates.keySet()), groups, MeanSd.of(dense),
                MeanSd.of(pruned));
    }

    /** [Many, Medium, Few, All] mean per-class rate of one split; classes with a NaN rate left out. */
    static double[] groupRates(double[] perClassRate, Group[] groups) {
        double[] sum = new double[4];
        int[] n = new int[4];
        for (int c = 0; c < perClassRate.length; c++) {
            if (Double.isNaN(perClassRate[c])) {
                continue;
            }
            sum[groups[c].ordinal()] += perClassRate[c];
            n[groups[c].ordinal()]++;
            sum[3] += perClassRate[c];
            n[3]++;
        }
        double[] out = new double[4];
        for (int g = 0; g < 4; g++) {
            out[g] = n[g] == 0 ? Double.NaN : sum[g] / n[g];
        }
        return out;
    }

    private static MeanSd overSplits(List<double[]> perSplit, int group) {
        return meanSd(perSplit.stream().mapToDouble(v -> v[group]));
    }

    /** Mean ± population sd of the values that are not NaN; NaN ± NaN when none is. */
    static MeanSd meanSd(java.util.stream.DoubleStream values) {
        return MeanSd.of(values.filter(v -> !Double.isNaN(v)).toArray());
    }

    private static List<ClassRate> perClass(TreeMap<Integer, PieRates> rates, Map<Integer, PieAnalysis> bySplit,
            int numClasses) {
        List<ClassRate> out = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            final int cls = c;
            List<Integer> counts = new ArrayList<>();
            for (int split : rates.keySet()) {
                counts.add(bySplit.get(split).getClassCounts().get(c));
            }
            out.add(new ClassRate(c, List.copyOf(counts),
                    meanSd(rates.values().stream().mapToDouble(r -> r.getPerClassRate().get(cls)))));
        }
        return List.copyOf(out);
    }

    private static List<RankPoint> byRank(TreeMap<Integer, PieRates> rates, Map<Integer, PieAnalysis> bySplit,
            int numClasses) {
        double[] count = new double[numClasses];
        List<List<Double>> rate = new ArrayList<>();
        List<Set<Integer>> classes = new ArrayList<>();
        for (int r = 0; r < numClasses; r++) {
            rate.add(new ArrayList<>());
            classes.add(new HashSet<>());
        }
        for (Map.Entry<Integer, PieRates> e : rates.entrySet()) {
            int[] counts = ints(bySplit.get(e.getKey()).getClassCounts());
            int[] order = ReportModel.headToTail(counts);
            for (int r = 0; r < numClasses; r++) {
                count[r] += (double) counts[order[r]] / rates.size();
                rate.get(r).add(e.getValue().getPerClassRate().get(order[r]));
                classes.get(r).add(order[r]);
            }
        }
        List<RankPoint> out = new ArrayList<>();
        for (int r = 0; r < numClasses; r++) {
            Set<Integer> at = classes.get(r);
            out.add(new RankPoint(r, count[r], meanSd(rate.get(r).stream().mapToDouble(Double::doubleValue)).mean(),
                    at.size() == 1 ? at.iterator().next() : -1));
        }
        return List.copyOf(out);
    }

    /** The grid's examples: classes from head to tail (the grid split's D_i counts), PIEs first, then by id. */
    static Map<Integer, List<PieExample>> examplesByClass(PieAnalysis grid) {
        Map<Integer, List<PieExample>> out = new LinkedHashMap<>();
        int[] counts = ints(grid.getClassCounts());
        for (int c : ReportModel.headToTail(counts)) {
            List<PieExample> mine = new ArrayList<>();
            for (PieExample e : grid.getExamples()) {
                if (e.getLabel() == c) {
                    mine.add(e);
                }
            }
            if (!mine.isEmpty()) {
                mine.sort(Comparator.comparing((PieExample e) -> !e.getPie()).thenComparingLong(PieExample::getId));
                out.put(c, List.copyOf(mine));
            }
        }
        return out;
    }

    private static void check(String method, PieAnalysis a, int numClasses, Map<Integer, SplitCounts> knownCounts) {
        String where = "PIE analysis of " + method + " split " + a.getSplit();
        if (a.getClassCounts().size() != numClasses) {
            throw new IllegalArgumentException(where + " has " + a.getClassCounts().size() + " class counts, expected "
                    + numClasses);
        }
        SplitCounts known = knownCounts.get(a.getSplit());
        if (known != null && !known.equals(new SplitCounts(a.getSplit(), ints(a.getClassCounts())))) {
            throw new IllegalArgumentException(where + " has class counts " + a.getClassCounts()
                    + ", but the split's probe results have " + java.util.Arrays.toString(known.classCounts()));
        }
        for (PieRates r : a.getRates()) {
            String set = where + " (" + r.getClassifier() + " on " + r.getImages() + ")";
            if (r.getPerClassRate().size() != numClasses || r.getPerClassImages().size() != numClasses) {
                throw new IllegalArgumentException(set + " has " + r.getPerClassRate().size() + " per-class rates and "
                        + r.getPerClassImages().size() + " per-class image counts, expected " + numClasses);
            }
            for (int c = 0; c < numClasses; c++) {
                double v = r.getPerClassRate().get(c);
                if (!Double.isNaN(v) && !(v >= 0 && v <= 100)) {
                    throw new IllegalArgumentException(set + ": class " + c + " PIE rate is " + v
                            + ", expected a percentage in [0, 100] or NaN (no images)");
                }
            }
        }
        for (PieExample e : a.getExamples()) {
            for (int label : new int[] {e.getLabel(), e.getDensePrediction(), e.getPrunedPrediction()}) {
                if (label < 0 || label >= numClasses) {
                    throw new IllegalArgumentException(where + ": example " + e.getId() + " has class " + label
                            + ", expected 0.." + (numClasses - 1));
                }
            }
        }
    }

    static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    static double[] doubles(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
