package io.sdclr.steps.report;

import io.sdclr.steps.internal.metrics.GroupSummary;
import io.sdclr.steps.internal.metrics.MeanSd;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code results.json} exactly as the CLI contract (design.md) fixes it:
 *
 * <pre>{@code
 * {"workflow": ..., "dataset": ..., "params": {...},
 *  "methods": {"simclr": {"linear": G, "fewshot": G, "knn": G}, "sdclr": {...}},
 *  "splits": [{"split": 0, "class_counts": [...]}]}
 * G = {"many": S, "medium": S, "few": S, "std": S, "all": S, "per_class": [[...] per split]}
 * S = {"mean": percent, "sd": percent}
 * }</pre>
 *
 * Evaluations a method lacks are absent; {@code per_class} rows are in ascending split order; an empty group
 * (possible only with threshold grouping) is {@code null}.
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
