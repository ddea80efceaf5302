package io.sdclr.steps.report;

import io.sdclr.steps.avro.PieAnalysis;
import io.sdclr.steps.internal.metrics.GroupSummary;
import io.sdclr.steps.internal.metrics.MeanSd;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code results.json}: the CLI contract's fields (design.md) and, where the report has them, the evidence:
 *
 * <pre>{@code
 * {"workflow": ..., "dataset": ..., "params": {...},
 *  "methods": {"simclr": {"linear": G, "fewshot": G, "knn": G, "curves": [C], "pie": P}, "sdclr": {...}},
 *  "splits": [{"split": 0, "class_counts": [...]}],
 *  "classNames": [...],                                   // datasets with known names
 *  "paper": {"dataset": "CIFAR10-LT", "rows": [R]},       // datasets the paper reports
 *  "balancedControl": {"evaluation": "linear", "cost": Q, "recovered": Q}}   // with simclr-balanced results
 * G = {"many": S, "medium": S, "few": S, "std": S, "all": S, "per_class": [[...] per split]}
 * S = {"mean": percent, "sd": percent}
 * C = {"split": 0, "loss": [per epoch], "maskKept": [fraction per epoch], "maskThreshold": [per epoch]}
 * P = {"splits": [0, 1], "perSplit": [{"split": 0, "prune": 0.9, "maskKept": 0.1, "bnSet": "pruned"}],
 *      "many": S, "medium": S, "few": S, "all": S,        // linear classifiers, images of D_i
 *      "perClass": [{"class": 0, "name": "T-shirt/top", "counts": [D_i count per split of "splits"], "rate": S}],
 *      "byClassifier": {"linear": {"train": B, "test": B}, "knn": {...}}}
 * B = {"splits": [...], "many": S, "medium": S, "few": S, "all": S, "denseAccuracy": S, "prunedAccuracy": S}
 * R = {"evaluation": "linear", "group": "all", "simclr": S, "sdclr": S}   // sd null where the paper gives none
 * Q = {"many": points, "medium": points, "few": points, "all": points}
 * }</pre>
 *
 * Evaluations a method lacks are absent, and so are {@code curves} without encoders and {@code pie} without PIE
 * analyses ({@code maskKept} and {@code maskThreshold} are empty for SimCLR); {@code per_class} rows and
 * {@code perClass} counts are in ascending split order; an empty group (possible only with threshold grouping), a
 * class without images and a NaN loss are {@code null}. Without the primary PIE definition, {@code pie} has only
 * {@code splits}, {@code perSplit} and {@code byClassifier}.
 */
final class ResultsJson {

    /** A number already formatted. */
    private record Raw(String text) {}

    private ResultsJson() {}

    static String render(ReportModel model) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("workflow", model.input.workflow());
        root.put("dataset", model.input.dataset());
        Map<String, Object> params = new LinkedHashMap<>();
        model.input.params().forEach((k, v) -> params.put(k,
                v instanceof String || v instanceof Boolean ? v : new Raw(Format.paramValue(v))));
        root.put("params", params);
        Map<String, Object> methods = new LinkedHashMap<>();
        for (String method : model.methods) {
            Map<String, Object> evaluations = new LinkedHashMap<>();
            model.cells.get(method).forEach((evaluation, cell) -> evaluations.put(evaluation, group(cell)));
            if (model.curves.containsKey(method)) {
                evaluations.put("curves", curves(model.curves.get(method)));
            }
            if (model.pies.containsKey(method)) {
                evaluations.put("pie", pie(model, model.pies.get(method)));
            }
            methods.put(method, evaluations);
        }
        root.put("methods", methods);
        List<Object> splits = new ArrayList<>();
        for (SplitCounts s : model.splits) {
            Map<String, Object> split = new LinkedHashMap<>();
            split.put("split", new Raw(Integer.toString(s.split())));
            List<Object> counts = new ArrayList<>();
            for (int n : s.classCounts()) {
                counts.add(new Raw(Integer.toString(n)));
            }
            split.put("class_counts", counts);
            splits.add(split);
        }
        root.put("splits", splits);
        if (ClassNames.of(model.input.dataset()).isPresent()) {
            root.put("classNames", new ArrayList<Object>(model.classNames));
        }
        List<PaperResults.Row> paperRows = PaperResults.rows(model.input.dataset());
        if (!paperRows.isEmpty()) {
            Map<String, Object> paper = new LinkedHashMap<>();
            paper.put("dataset", PaperResults.paperDataset(model.input.dataset()));
            List<Object> rows = new ArrayList<>();
            for (PaperResults.Row r : paperRows) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("evaluation", r.evaluation());
                row.put("group", r.group());
                row.put("simclr", meanSd(r.simclr()));
                row.put("sdclr", meanSd(r.sdclr()));
                rows.add(row);
            }
            paper.put("rows", rows);
            root.put("paper", paper);
        }
        BalancedControl.of(model).ifPresent(c -> {
            Map<String, Object> control = new LinkedHashMap<>();
            control.put("evaluation", BalancedControl.EVALUATION);
            control.put("cost", groups(c.cost()));
            if (c.recovered() != null) {
                control.put("recovered", groups(c.recovered()));
            }
            root.put("balancedControl", control);
        });
        StringBuilder out = new StringBuilder();
        write(out, root, "");
        return out.append('\n').toString();
    }

    private static Map<String, Object> group(ReportModel.Cell cell) {
        GroupSummary s = cell.summary();
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("many", meanSd(s.many()));
        g.put("medium", meanSd(s.medium()));
        g.put("few", meanSd(s.few()));
        g.put("std", meanSd(s.std()));
        g.put("all", meanSd(s.all()));
        List<Object> perClass = new ArrayList<>();
        for (EvaluationResult r : cell.perSplit()) {
            List<Object> row = new ArrayList<>();
            for (double a : r.perClassAccuracy()) {
                row.add(new Raw(Format.jsonNumber(a)));
            }
            perClass.add(row);
        }
        g.put("per_class", perClass);
        return g;
    }

    private static List<Object> curves(List<TrainingCurve> curves) {
        List<Object> out = new ArrayList<>();
        for (TrainingCurve c : curves) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("split", new Raw(Integer.toString(c.split())));
            m.put("loss", significant(c.loss()));
            List<Object> kept = new ArrayList<>();
            for (double k : c.maskKept()) {
                kept.add(new Raw(Format.jsonNumber(k)));
            }
            m.put("maskKept", kept);
            m.put("maskThreshold", significant(c.maskThreshold()));
            out.add(m);
        }
        return out;
    }

    /** Losses and thresholds: 7 significant digits (a float's precision), whatever their magnitude. */
    private static List<Object> significant(double[] values) {
        List<Object> out = new ArrayList<>();
        for (double v : values) {
            out.add(new Raw(Format.jsonSignificant(v, 7)));
        }
        return out;
    }

    private static Map<String, Object> pie(ReportModel model, PieModel.Method m) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("splits", ints(m.perSplit().stream().map(PieAnalysis::getSplit).toList()));
        List<Object> perSplit = new ArrayList<>();
        for (PieAnalysis a : m.perSplit()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("split", new Raw(Integer.toString(a.getSplit())));
            s.put("prune", new Raw(Format.jsonNumber(a.getPrune())));
            s.put("maskKept", new Raw(Format.jsonNumber(a.getMaskKept())));
            s.put("bnSet", a.getBnSet());
            perSplit.add(s);
        }
        p.put("perSplit", perSplit);
        if (m.hasPrimary()) {
            putGroups(p, m.primary().groups());
            List<Object> perClass = new ArrayList<>();
            for (PieModel.ClassRate c : m.perClass()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("class", new Raw(Integer.toString(c.classId())));
                row.put("name", model.classNames.get(c.classId()));
                row.put("counts", ints(c.counts()));
                row.put("rate", meanSd(c.rate()));
                perClass.add(row);
            }
            p.put("perClass", perClass);
        }
        Map<String, Object> byClassifier = new LinkedHashMap<>();
        for (PieModel.RateSet r : m.rateSets()) {
            Map<String, Object> set = new LinkedHashMap<>();
            set.put("splits", ints(r.splits()));
            putGroups(set, r.groups());
            set.put("denseAccuracy", meanSd(r.denseAccuracy()));
            set.put("prunedAccuracy", meanSd(r.prunedAccuracy()));
            @SuppressWarnings("unchecked")
            Map<String, Object> byImages = (Map<String, Object>) byClassifier.computeIfAbsent(r.classifier(),
                    k -> new LinkedHashMap<String, Object>());
            byImages.put(r.images(), set);
        }
        p.put("byClassifier", byClassifier);
        return p;
    }

    private static void putGroups(Map<String, Object> into, PieModel.Groups g) {
        into.put("many", meanSd(g.many()));
        into.put("medium", meanSd(g.medium()));
        into.put("few", meanSd(g.few()));
        into.put("all", meanSd(g.all()));
    }

    private static Map<String, Object> groups(double[] v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("many", new Raw(Format.jsonNumber(v[0])));
        m.put("medium", new Raw(Format.jsonNumber(v[1])));
        m.put("few", new Raw(Format.jsonNumber(v[2])));
        m.put("all", new Raw(Format.jsonNumber(v[3])));
        return m;
    }

    private static List<Object> ints(List<Integer> values) {
        List<Object> out = new ArrayList<>();
        for (int v : values) {
            out.add(new Raw(Integer.toString(v)));
        }
        return out;
    }

    private static Map<String, Object> meanSd(MeanSd v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", new Raw(Format.jsonNumber(v.mean())));
        m.put("sd", new Raw(Format.jsonNumber(v.sd())));
        return m;
    }

    /**
     * Two-space indentation. On one line: arrays of scalars, and objects of at most three entries that hold only
     * scalars or arrays of scalars ({@code {"mean": .., "sd": ..}}, {@code {"split": 0, "class_counts": [..]}}).
     */
    private static void write(StringBuilder out, Object value, String indent) {
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            boolean inline = map.size() <= 3 && map.values().stream().allMatch(ResultsJson::flat);
            String inner = indent + "  ";
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(first ? "" : ",").append(inline ? (first ? "" : " ") : "\n" + inner);
                out.append(Format.jsonString((String) e.getKey())).append(": ");
                write(out, e.getValue(), inner);
                first = false;
            }
            out.append(inline ? "}" : "\n" + indent + "}");
        } else if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                out.append("[]");
                return;
            }
            boolean inline = list.stream().allMatch(ResultsJson::scalar);
            String inner = indent + "  ";
            out.append('[');
            boolean first = true;
            for (Object v : list) {
                out.append(first ? "" : ",").append(inline ? (first ? "" : " ") : "\n" + inner);
                write(out, v, inner);
                first = false;
            }
            out.append(inline ? "]" : "\n" + indent + "]");
        } else if (value instanceof Raw raw) {
            out.append(raw.text());
        } else if (value instanceof String s) {
            out.append(Format.jsonString(s));
        } else if (value instanceof Boolean b) {
            out.append(b);
        } else {
            throw new IllegalStateException("unexpected JSON value " + value);
        }
    }

    private static boolean scalar(Object v) {
        return !(v instanceof Map) && !(v instanceof List);
    }

    private static boolean flat(Object v) {
        return scalar(v) || (v instanceof List<?> l && l.stream().allMatch(ResultsJson::scalar));
    }
}
