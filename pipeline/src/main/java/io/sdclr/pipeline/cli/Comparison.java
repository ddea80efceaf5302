package io.sdclr.pipeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.chart.LineChart;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What {@code sdclr compare} shows of several recorded runs (or a sweep's points): a row per run, a column per
 * method × evaluation × group (mean ± sd over splits), as a Markdown table on the terminal and as
 * {@code compare.html} with a chart per evaluation × group of the value against a parameter the runs differ in.
 */
final class Comparison {
    /** Evaluations as results.json names them: the probes' accuracies, then the PIE rate. */
    static final List<String> EVALUATIONS = List.of("linear", "fewshot", "knn", "knn20", "pie");
    static final List<String> GROUPS = List.of("all", "many", "medium", "few", "std");

    /** One column of the table. */
    record Column(String method, String eval, String group) {
        String header(boolean oneMeasure) {
            return oneMeasure ? method : method + " " + eval + " " + group;
        }
    }

    private final List<JsonNode> runs;
    private final List<String> evals;
    private final List<String> groups;
    private final List<String> methods;
    private final List<Column> columns = new ArrayList<>();
    private final Set<String> workflows = new TreeSet<>();
    /** Parameters whose values differ between the runs, in the order the first run lists its swept or set keys. */
    private final List<String> varying;
    private final String note;

    /**
     * @param onlyMethods the methods to show, or empty for every method a run has
     * @throws InvalidInputException for an evaluation, group or method no run has
     */
    Comparison(List<JsonNode> runs, List<String> evals, List<String> groups, List<String> onlyMethods) {
        this.runs = List.copyOf(runs);
        this.evals = checked("--eval", evals, EVALUATIONS);
        this.groups = checked("--group", groups, GROUPS);
        LinkedHashSet<String> all = new LinkedHashSet<>();
        Set<String> shared = null;
        for (JsonNode r : runs) {
            workflows.add(RunHistory.text(r, "workflow"));
            Set<String> own = new LinkedHashSet<>();
            r.path("results").path("methods").fieldNames().forEachRemaining(own::add);
            all.addAll(own);
            if (r.has("results")) {
                if (shared == null) {
                    shared = new LinkedHashSet<>(own);
                } else {
                    shared.retainAll(own);
                }
            }
        }
        for (String m : onlyMethods) {
            if (!all.contains(m)) {
                throw new InvalidInputException("--method %s: no compared run has it; their methods: %s", m,
                        all.isEmpty() ? "(none: no run has results)" : String.join(", ", all));
            }
        }
        this.methods = onlyMethods.isEmpty() ? List.copyOf(all) : List.copyOf(onlyMethods);
        for (String m : methods) {
            for (String e : this.evals) {
                for (String g : this.groups) {
                    columns.add(new Column(m, e, g));
                }
            }
        }
        this.varying = varyingKeys(runs);
        Set<String> inEvery = shared == null ? Set.of() : shared;
        List<String> partial = methods.stream().filter(m -> !inEvery.contains(m)).toList();
        if (workflows.size() > 1 || !partial.isEmpty()) {
            List<String> common = methods.stream().filter(inEvery::contains).toList();
            note = "runs of " + String.join(", ", workflows) + ": every run has "
                    + (common.isEmpty() ? "none of these methods" : String.join(", ", common))
                    + (partial.isEmpty() ? "" : "; only some have " + String.join(", ", partial)
                            + " (— where a run has none)");
        } else {
            note = null;
        }
    }

    private static List<String> checked(String option, List<String> values, List<String> valid) {
        for (String v : values) {
            if (!valid.contains(v)) {
                throw new InvalidInputException("%s %s: expected one or more of %s (comma-separated)", option, v,
                        String.join(", ", valid));
            }
        }
        return List.copyOf(new LinkedHashSet<>(values));
    }

    /** The parameters whose value is not the same in every run (a run without the parameter counts as differing). */
    static List<String> varyingKeys(List<JsonNode> runs) {
        LinkedHashSet<String> order = new LinkedHashSet<>();
        for (JsonNode r : runs) {
            r.path("point").fieldNames().forEachRemaining(order::add);
        }
        for (JsonNode r : runs) {
            r.path("set").fieldNames().forEachRemaining(order::add);
        }
        for (JsonNode r : runs) {
            new TreeSet<String>(names(r.path("params"))).forEach(order::add);
        }
        List<String> out = new ArrayList<>();
        for (String k : order) {
            Set<String> values = new LinkedHashSet<>();
            for (JsonNode r : runs) {
                values.add(value(r, k));
            }
            if (values.size() > 1) {
                out.add(k);
            }
        }
        return out;
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** A parameter's value in a run: as used (params), else as set; "" when the run does not say. */
    private static String value(JsonNode run, String key) {
        JsonNode v = run.path("params").get(key);
        if (v == null) {
            v = run.path("set").get(key);
        }
        return v == null ? "" : v.asText();
    }

    List<String> varying() {
        return varying;
    }

    /** What a run is in the comparison: the values of the parameters that differ. */
    private String label(JsonNode r) {
        if (!r.has("results")) {
            return "(no results)";
        }
        if (varying.isEmpty()) {
            return "(same parameters)";
        }
        return varying.stream().map(k -> k + "=" + (value(r, k).isEmpty() ? "?" : value(r, k)))
                .collect(Collectors.joining(" "));
    }

    private static JsonNode cell(JsonNode r, Column c) {
        return r.path("results").path("methods").path(c.method()).path(c.eval()).path(c.group());
    }

    private static String cellText(JsonNode cell) {
        return cell.has("mean") ? String.format(Locale.ROOT, "%.2f ± %.2f", cell.get("mean").asDouble(),
                cell.path("sd").asDouble()) : "—";
    }

    private boolean oneMeasure() {
        return evals.size() == 1 && groups.size() == 1;
    }

    private String caption() {
        List<String> accuracies = evals.stream().filter(e -> !e.equals("pie")).toList();
        String unit = accuracies.isEmpty() ? "PIE rate %" : accuracies.size() == evals.size() ? "test accuracy %"
                : "test accuracy % (" + String.join(", ", accuracies) + "), PIE rate % (pie)";
        return oneMeasure() ? evals.get(0) + ", " + groups.get(0) + " (" + unit + ", mean ± sd over splits)"
                : String.join(", ", evals) + " × " + String.join(", ", groups) + ": " + unit
                        + "; mean ± sd over splits";
    }

    /** The Markdown table {@code sdclr compare} prints. */
    String table() {
        StringBuilder sb = new StringBuilder();
        if (note != null) {
            sb.append(note).append('\n');
        }
        sb.append(caption()).append("\n\n| run | differs |");
        columns.forEach(c -> sb.append(' ').append(c.header(oneMeasure())).append(" |"));
        sb.append("\n|---|---|").append("---:|".repeat(columns.size())).append('\n');
        for (JsonNode r : runs) {
            sb.append("| ").append(RunHistory.text(r, "runId")).append(" | ").append(label(r)).append(" |");
            for (Column c : columns) {
                sb.append(' ').append(cellText(cell(r, c))).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * The parameter the charts put on x: {@code requested} if given (it must differ between the runs and be a
     * number in each), else the numeric differing parameter with the most distinct values; empty when there is none.
     */
    java.util.Optional<String> xKey(String requested) {
        List<String> numeric = varying.stream().filter(k -> runs.stream().filter(r -> r.has("results"))
                .allMatch(r -> isNumber(value(r, k)))).toList();
        if (requested != null) {
            if (!numeric.contains(requested)) {
                throw new InvalidInputException("--x %s: not a number that differs between these runs (%s)", requested,
                        numeric.isEmpty() ? "none does" : "those that do: " + String.join(", ", numeric));
            }
            return java.util.Optional.of(requested);
        }
        String best = null;
        long most = 0;
        for (String k : numeric) {
            long distinct = runs.stream().map(r -> value(r, k)).distinct().count();
            if (distinct > most) {
                best = k;
                most = distinct;
            }
        }
        return java.util.Optional.ofNullable(best);
    }

    private static boolean isNumber(String s) {
        try {
            return Double.isFinite(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** {@code compare.html}: the runs, the table, and a chart per evaluation × group against {@code x}. */
    String html(String command, java.util.Optional<String> x) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>sdclr compare: ")
                .append(esc(String.join(", ", workflows))).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em;max-width:90em;color:#222}\n")
                .append("table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em}\n")
                .append("td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}th{background:#f4f4f4}\n")
                .append("figure{margin:1.5em 0}figcaption{font-weight:600;margin-bottom:.3em}\n")
                .append("svg text{font-size:12px;font-family:system-ui,sans-serif}code{background:#f4f4f4}\n")
                .append("</style>\n</head>\n<body>\n");
        h.append("<h1>Comparison of ").append(runs.size()).append(" runs of ").append(esc(String.join(", ",
                workflows))).append("</h1>\n<p><code>").append(esc(command)).append("</code></p>\n");
        if (note != null) {
            h.append("<p>").append(esc(note)).append("</p>\n");
        }
        h.append("<h2>Runs</h2>\n<table>\n<tr><th>run</th><th>differs</th><th>started (UTC)</th><th>time</th>"
                + "<th>ran / cached</th><th>code</th></tr>\n");
        for (JsonNode r : runs) {
            String started = RunHistory.text(r, "startedAt");
            h.append("<tr><td><code>").append(esc(RunHistory.text(r, "runId"))).append("</code></td><td>").append(esc(label(r)))
                    .append("</td><td>").append(esc(started.length() >= 19 ? started.substring(0, 19).replace('T', ' ')
                            : started)).append("</td><td class=\"num\">")
                    .append(r.has("seconds") ? esc(RunHistory.duration(r.get("seconds").asDouble())) : "-")
                    .append("</td><td class=\"num\">").append(r.has("ran") ? r.get("ran").asLong() + " / "
                            + r.get("cached").asLong() : "-").append("</td><td><code>").append(esc(RunHistory.text(r, "codeId")))
                    .append("</code></td></tr>\n");
        }
        h.append("</table>\n<h2>Results</h2>\n<p>").append(esc(caption())).append("</p>\n<table>\n<tr><th>run</th>"
                + "<th>differs</th>");
        columns.forEach(c -> h.append("<th>").append(esc(c.header(oneMeasure()))).append("</th>"));
        h.append("</tr>\n");
        for (JsonNode r : runs) {
            h.append("<tr><td><code>").append(esc(RunHistory.text(r, "runId"))).append("</code></td><td>").append(esc(label(r)))
                    .append("</td>");
            for (Column c : columns) {
                h.append("<td class=\"num\">").append(esc(cellText(cell(r, c)))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n<h2>Charts</h2>\n");
        if (x.isEmpty()) {
            h.append("<p>No chart: these runs do not differ in a numeric parameter.</p>\n");
        } else {
            for (String e : evals) {
                for (String g : groups) {
                    chart(h, x.get(), e, g);
                }
            }
        }
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    /** One line of a chart: a method's runs that share the values of the differing parameters other than x. */
    private record Line(String method, String name, String legend, List<JsonNode> runs) {}

    /** One chart: EVAL's GROUP against x, a line per method and combination of the other differing parameters. */
    private void chart(StringBuilder h, String x, String eval, String group) {
        List<String> others = varying.stream().filter(k -> !k.equals(x)).toList();
        Map<String, Line> lines = new LinkedHashMap<>();
        for (String m : methods) {
            for (JsonNode r : runs) {
                if (!r.has("results")) {
                    continue;
                }
                String name = m + others.stream().map(k -> ", " + k + "=" + value(r, k)).collect(Collectors.joining());
                // The legend is narrow: a parameter by its last name part (pretrain.epochs -> epochs).
                String legend = m + others.stream().map(k -> ", " + k.substring(k.lastIndexOf('.') + 1) + "="
                        + value(r, k)).collect(Collectors.joining());
                lines.computeIfAbsent(name, n -> new Line(m, n, legend, new ArrayList<>())).runs().add(r);
            }
        }
        String measure = eval.equals("pie") ? "PIE rate %" : "test accuracy %";
        String title = eval + " · " + group + ": " + measure + " against " + x;
        LineChart chart = new LineChart(title, x, measure).fitLegend();
        int color = 0;
        boolean any = false;
        for (Line line : lines.values()) {
            List<JsonNode> points = new ArrayList<>(line.runs());
            points.sort(java.util.Comparator.comparingDouble(r -> Double.parseDouble(value(r, x))));
            double[] xs = new double[points.size()];
            double[] ys = new double[points.size()];
            double[] sd = new double[points.size()];
            String[] titles = new String[points.size()];
            for (int i = 0; i < points.size(); i++) {
                JsonNode c = cell(points.get(i), new Column(line.method(), eval, group));
                xs[i] = Double.parseDouble(value(points.get(i), x));
                ys[i] = c.has("mean") ? c.get("mean").asDouble() : Double.NaN;
                sd[i] = c.path("sd").asDouble(0);
                any |= c.has("mean");
                titles[i] = x + "=" + value(points.get(i), x) + ": " + cellText(c) + " (run " + RunHistory.text(points.get(i),
                        "runId") + ")";
            }
            String colour = LineChart.PALETTE.get(color++ % LineChart.PALETTE.size());
            chart.add(new LineChart.Series(line.name(), colour, xs, ys, titles, false, sd)).legend(line.legend(), colour);
        }
        h.append("<figure>\n<figcaption>").append(esc(title)).append(" (error bars: ± sd over splits)</figcaption>\n");
        if (any) {
            chart.render(h);
        } else {
            h.append("<p>No run has ").append(esc(eval + " " + group)).append(" results.</p>\n");
        }
        h.append("</figure>\n");
    }

    private static String esc(String s) {
        return LineChart.html(s);
    }
}
