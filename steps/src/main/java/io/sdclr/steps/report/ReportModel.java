package io.sdclr.steps.report;

import io.sdclr.steps.avro.PieAnalysis;
import io.sdclr.steps.internal.metrics.Group;
import io.sdclr.steps.internal.metrics.GroupScores;
import io.sdclr.steps.internal.metrics.GroupSummary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The report's numbers, computed once from a {@link ReportInput} and shared by the three renderings. */
final class ReportModel {

    /** One method under one evaluation: its per-split results (by split) and their summary. */
    record Cell(List<EvaluationResult> perSplit, List<GroupScores> scores, GroupSummary summary) {}

    private static final List<String> METHOD_ORDER = List.of("simclr", "sdclr", "simclr-balanced");
    private static final List<String> EVALUATION_ORDER = List.of("linear", "fewshot", "knn", "knn20");

    final ReportInput input;
    final int numClasses;
    /** Splits in ascending order. */
    final List<SplitCounts> splits;
    final List<String> methods;
    final List<String> evaluations;
    /** method → evaluation → cell, both in display order; absent when not evaluated. */
    final Map<String, Map<String, Cell>> cells;
    /** Display name of each class: the dataset's names where known ({@link ClassNames}), else the ids. */
    final List<String> classNames;
    /** method → training curves by ascending split, methods in display order; empty without encoders. */
    final Map<String, List<TrainingCurve>> curves;
    /** method → PIE numbers, in display order; empty without PIE analyses. */
    final Map<String, PieModel.Method> pies;

    ReportModel(ReportInput input) {
        this.input = input;
        if (input.splits().isEmpty()) {
            throw new IllegalArgumentException("report needs the class counts of at least one split");
        }
        TreeMap<Integer, SplitCounts> bySplit = new TreeMap<>();
        for (SplitCounts s : input.splits()) {
            if (bySplit.put(s.split(), s) != null) {
                throw new IllegalArgumentException("class counts of split " + s.split() + " are given twice");
            }
        }
        this.splits = List.copyOf(bySplit.values());
        this.numClasses = splits.get(0).classCounts().length;
        for (SplitCounts s : splits) {
            if (s.classCounts().length != numClasses) {
                throw new IllegalArgumentException("split " + s.split() + " has " + s.classCounts().length
                        + " class counts, expected " + numClasses + " like split " + splits.get(0).split());
            }
        }

        Map<String, Map<String, TreeMap<Integer, EvaluationResult>>> grouped = new TreeMap<>();
        for (EvaluationResult r : input.results()) {
            if (!bySplit.containsKey(r.split())) {
                throw new IllegalArgumentException(r.method() + "/" + r.evaluation() + " has a result for split "
                        + r.split() + ", which has no class counts (splits " + bySplit.keySet() + ")");
            }
            if (r.perClassAccuracy().length != numClasses) {
                throw new IllegalArgumentException(r.method() + "/" + r.evaluation() + " split " + r.split() + " has "
                        + r.perClassAccuracy().length + " per-class accuracies, expected " + numClasses);
            }
            EvaluationResult previous = grouped.computeIfAbsent(r.method(), m -> new TreeMap<>())
                    .computeIfAbsent(r.evaluation(), e -> new TreeMap<>())
                    .put(r.split(), r);
            if (previous != null) {
                throw new IllegalArgumentException(
                        r.method() + "/" + r.evaluation() + " has two results for split " + r.split());
            }
        }
        TreeMap<String, TreeMap<Integer, TrainingCurve>> curvesByMethod = new TreeMap<>();
        for (TrainingCurve c : input.curves()) {
            if (curvesByMethod.computeIfAbsent(c.method(), m -> new TreeMap<>()).put(c.split(), c) != null) {
                throw new IllegalArgumentException(c.method() + " has two training curves for split " + c.split());
            }
        }
        TreeMap<String, List<PieAnalysis>> piesByMethod = new TreeMap<>();
        for (PieAnalysis a : input.pies()) {
            piesByMethod.computeIfAbsent(WriteReport.methodKey(a.getMethod(), a.getTrainSet()),
                    m -> new ArrayList<>()).add(a);
        }
        TreeSet<String> allMethods = new TreeSet<>(grouped.keySet());
        allMethods.addAll(curvesByMethod.keySet());
        allMethods.addAll(piesByMethod.keySet());
        this.methods = ordered(allMethods, METHOD_ORDER);
        this.classNames = ClassNames.forReport(input.dataset(), numClasses);
        TreeSet<String> allEvaluations = new TreeSet<>();
        grouped.values().forEach(m -> allEvaluations.addAll(m.keySet()));
        this.evaluations = ordered(allEvaluations, EVALUATION_ORDER);

        Map<String, Map<String, Cell>> cellMap = new LinkedHashMap<>();
        for (String method : methods) {
            Map<String, Cell> row = new LinkedHashMap<>();
            for (String evaluation : evaluations) {
                TreeMap<Integer, EvaluationResult> results =
                        grouped.getOrDefault(method, new TreeMap<>()).get(evaluation);
                if (results == null) {
                    continue;
                }
                List<GroupScores> scores = new ArrayList<>();
                for (EvaluationResult r : results.values()) {
                    scores.add(input.grouping().score(r.perClassAccuracy(), bySplit.get(r.split()).classCounts()));
                }
                row.put(evaluation, new Cell(List.copyOf(results.values()), List.copyOf(scores), GroupSummary.over(scores)));
            }
            cellMap.put(method, row);
        }
        this.cells = cellMap;

        Map<String, List<TrainingCurve>> curveMap = new LinkedHashMap<>();
        Map<String, PieModel.Method> pieMap = new LinkedHashMap<>();
        for (String method : methods) {
            if (curvesByMethod.containsKey(method)) {
                curveMap.put(method, List.copyOf(curvesByMethod.get(method).values()));
            }
            if (piesByMethod.containsKey(method)) {
                pieMap.put(method, PieModel.of(method, piesByMethod.get(method), numClasses, bySplit,
                        input.grouping()));
            }
        }
        this.curves = curveMap;
        this.pies = pieMap;
    }

    /** Whether any method's PIE analysis has the primary definition (linear classifiers, D_i). */
    boolean hasPrimaryPies() {
        return pies.values().stream().anyMatch(PieModel.Method::hasPrimary);
    }

    /** The class shown at a head-to-tail rank: its name when every split has the same class there. */
    String rankLabel(int rank) {
        Set<Integer> at = new java.util.HashSet<>();
        for (SplitCounts s : splits) {
            at.add(headToTail(s)[rank]);
        }
        return at.size() == 1 ? classNames.get(at.iterator().next()) + " (rank " + rank + ")" : "rank " + rank;
    }

    /** Known names in their fixed order, then the others alphabetically. */
    private static List<String> ordered(java.util.Collection<String> names, List<String> known) {
        List<String> out = new ArrayList<>();
        for (String k : known) {
            if (names.contains(k)) {
                out.add(k);
            }
        }
        names.stream().filter(n -> !known.contains(n)).sorted().forEach(out::add);
        return List.copyOf(out);
    }

    /** Display name of an evaluation: its label when the input gives one ("kNN, k = 200"), else by name. */
    String label(String evaluation) {
        return input.evaluationLabels().getOrDefault(evaluation, Format.evaluationName(evaluation));
    }

    /** Cells of one evaluation, by method in display order. */
    Map<String, Cell> column(String evaluation) {
        Map<String, Cell> out = new LinkedHashMap<>();
        for (String method : methods) {
            Cell cell = cells.get(method).get(evaluation);
            if (cell != null) {
                out.put(method, cell);
            }
        }
        return out;
    }

    /** Group sizes as "Many 4, Medium 3, Few 3", or per split when they differ between splits. */
    String groupSizes() {
        List<String> perSplit = new ArrayList<>();
        for (SplitCounts s : splits) {
            int[] n = new int[3];
            for (Group g : input.grouping().assign(s.classCounts())) {
                n[g.ordinal()]++;
            }
            perSplit.add("Many " + n[0] + ", Medium " + n[1] + ", Few " + n[2]);
        }
        if (perSplit.stream().distinct().count() == 1) {
            return perSplit.get(0) + " classes";
        }
        List<String> labelled = new ArrayList<>();
        for (int i = 0; i < splits.size(); i++) {
            labelled.add("split " + splits.get(i).split() + ": " + perSplit.get(i));
        }
        return String.join("; ", labelled) + " classes";
    }

    /**
     * Class ids of a split from head to tail: D_i count descending; among equal counts the class {@link
     * io.sdclr.steps.internal.metrics.GroupMetrics#thirds} puts in a lower group comes later.
     */
    int[] headToTail(SplitCounts split) {
        return headToTail(split.classCounts());
    }

    /** Class ids from head to tail of the given D_i counts, as {@link #headToTail(SplitCounts)}. */
    static int[] headToTail(int[] counts) {
        Integer[] ids = new Integer[counts.length];
        for (int c = 0; c < ids.length; c++) {
            ids[c] = c;
        }
        Arrays.sort(ids, Comparator.<Integer>comparingInt(c -> -counts[c]).thenComparingInt(c -> -c));
        return Arrays.stream(ids).mapToInt(Integer::intValue).toArray();
    }

    /** Accuracy at each head-to-tail rank, averaged over the splits the cell has results for. */
    double[] accuracyByRank(Cell cell) {
        double[] sum = new double[numClasses];
        for (EvaluationResult r : cell.perSplit()) {
            SplitCounts split = splits.stream().filter(s -> s.split() == r.split()).findFirst().orElseThrow();
            int[] order = headToTail(split);
            double[] acc = r.perClassAccuracy();
            for (int rank = 0; rank < numClasses; rank++) {
                sum[rank] += acc[order[rank]];
            }
        }
        for (int rank = 0; rank < numClasses; rank++) {
            sum[rank] /= cell.perSplit().size();
        }
        return sum;
    }
}
