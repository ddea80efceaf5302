package io.sdclr.steps.report;

import io.sdclr.steps.internal.metrics.GroupSummary;
import io.sdclr.steps.internal.metrics.MeanSd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code report.html}: one self-contained page (inline CSS and SVG, no scripts, no external resources) with the
 * tables of {@code report.md} and, per evaluation, a grouped bar chart of Many / Medium / Few / All with ± sd
 * whiskers and a per-class accuracy chart from head to tail class.
 */
final class HtmlReport {

    private static final String[] PALETTE = {
        "#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7"
    };

    private HtmlReport() {}

    static String render(ReportModel model) {
        ReportInput in = model.input;
        StringBuilder h = new StringBuilder();
        String title = "SDCLR report: " + in.workflow();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(Format.html(title)).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;"
                        + "color:#222}\n")
                .append("table{border-collapse:collapse;margin:1em 0}\n")
                .append("th,td{border:1px solid #ccc;padding:4px 8px}\n")
                .append("td.n{text-align:right;font-variant-numeric:tabular-nums}\n")
                .append("svg{display:block;margin:1em 0}\n")
                .append("svg text{font-family:system-ui,sans-serif;font-size:12px;fill:#222}\n")
                .append("</style>\n</head>\n<body>\n");
        h.append("<h1>").append(Format.html(title)).append("</h1>\n");
        h.append("<p>Dataset: ").append(Format.html(in.dataset())).append(". ")
                .append(Format.html(MarkdownReport.summaryLine(model))).append("</p>\n");
        h.append("<p>Top-1 test accuracy in percent, mean ± population std over splits. Std is the population std of"
                        + " [Many, Medium, Few] within a split, averaged over splits. Groups: ")
                .append(Format.html(in.grouping().describe())).append(".</p>\n");

        for (String evaluation : model.evaluations) {
            Map<String, ReportModel.Cell> column = model.column(evaluation);
            h.append("<h2>").append(Format.html(model.label(evaluation))).append("</h2>\n");
            h.append("<table>\n<tr><th>Method</th><th>Many</th><th>Medium</th><th>Few</th><th>Std</th><th>All</th>"
                    + "<th>Splits</th></tr>\n");
            for (Map.Entry<String, ReportModel.Cell> e : column.entrySet()) {
                GroupSummary s = e.getValue().summary();
                h.append("<tr><td>").append(Format.html(Format.methodName(e.getKey()))).append("</td>");
                for (MeanSd v : List.of(s.many(), s.medium(), s.few(), s.std(), s.all())) {
                    h.append("<td class=\"n\">").append(Format.fixed(v.mean(), 2)).append(" ± ")
                            .append(Format.fixed(v.sd(), 2)).append("</td>");
                }
                h.append("<td class=\"n\">").append(e.getValue().perSplit().size()).append("</td></tr>\n");
            }
            h.append("</table>\n");
            groupBars(h, model, evaluation, column);
            perClassLines(h, model, evaluation, column);
        }

        h.append("<h2>Class counts in D<sub>i</sub> per split</h2>\n<table>\n<tr><th>Split</th>");
        for (int c = 0; c < model.numClasses; c++) {
            h.append("<th>").append(c).append("</th>");
        }
        h.append("<th>Total</th></tr>\n");
        for (SplitCounts s : model.splits) {
            h.append("<tr><td class=\"n\">").append(s.split()).append("</td>");
            int total = 0;
            for (int n : s.classCounts()) {
                h.append("<td class=\"n\">").append(n).append("</td>");
                total += n;
            }
            h.append("<td class=\"n\">").append(total).append("</td></tr>\n");
        }
        h.append("</table>\n");

        h.append("<h2>Parameters</h2>\n");
        if (in.params().isEmpty()) {
            h.append("<p>(none)</p>\n");
        } else {
            h.append("<table>\n<tr><th>Parameter</th><th>Value</th></tr>\n");
            in.params().forEach((k, v) -> h.append("<tr><td>").append(Format.html(k)).append("</td><td>")
                    .append(Format.html(Format.paramValue(v))).append("</td></tr>\n"));
            h.append("</table>\n");
        }
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static String color(ReportModel model, String method) {
        return PALETTE[model.methods.indexOf(method) % PALETTE.length];
    }

    private static String n(double v) {
        return Format.fixed(v, 1);
    }

    // Geometry shared by every chart.
    private static final double WIDTH = 640;
    private static final double HEIGHT = 300;
    private static final double LEFT = 50;
    private static final double RIGHT = 130;
    private static final double TOP = 20;
    private static final double BOTTOM = 40;
    private static final double PLOT_W = WIDTH - LEFT - RIGHT;
    private static final double PLOT_H = HEIGHT - TOP - BOTTOM;

    /** Opens a chart's {@code <svg>} element, labelled for screen readers. */
    private static void openSvg(StringBuilder h, String label) {
        h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(n(WIDTH)).append("\" height=\"")
                .append(n(HEIGHT)).append("\" viewBox=\"0 0 ").append(n(WIDTH)).append(' ').append(n(HEIGHT))
                .append("\" role=\"img\" aria-label=\"").append(Format.html(label)).append("\">\n");
    }

    /** Many / Medium / Few / All bars per method, whiskers at mean ± sd (clipped to 0..100). */
    private static void groupBars(
            StringBuilder h, ReportModel model, String evaluation, Map<String, ReportModel.Cell> column) {
        String[] groups = {"Many", "Medium", "Few", "All"};
        List<String> methods = new ArrayList<>(column.keySet());
        openSvg(h, model.label(evaluation) + ": accuracy by group");
        yAxis(h, LEFT, TOP, PLOT_W, PLOT_H, "accuracy (%)");
        double groupW = PLOT_W / groups.length;
        double barW = groupW * 0.8 / Math.max(1, methods.size());
        for (int g = 0; g < groups.length; g++) {
            double gx = LEFT + g * groupW + groupW * 0.1;
            for (int m = 0; m < methods.size(); m++) {
                GroupSummary s = column.get(methods.get(m)).summary();
                MeanSd v = switch (g) {
                    case 0 -> s.many();
                    case 1 -> s.medium();
                    case 2 -> s.few();
                    default -> s.all();
                };
                if (Double.isNaN(v.mean())) {
                    continue;
                }
                double x = gx + m * barW;
                double y = TOP + PLOT_H * (1 - clip(v.mean()) / 100);
                h.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"")
                        .append(n(barW * 0.9)).append("\" height=\"").append(n(TOP + PLOT_H - y))
                        .append("\" fill=\"").append(color(model, methods.get(m))).append("\"><title>")
                        .append(Format.html(Format.methodName(methods.get(m)) + " " + groups[g] + ": "
                                + Format.fixed(v.mean(), 2) + " ± " + Format.fixed(v.sd(), 2)))
                        .append("</title></rect>\n");
                double cx = x + barW * 0.45;
                double y1 = TOP + PLOT_H * (1 - clip(v.mean() - v.sd()) / 100);
                double y2 = TOP + PLOT_H * (1 - clip(v.mean() + v.sd()) / 100);
                h.append("<path d=\"M").append(n(cx)).append(' ').append(n(y1)).append('V').append(n(y2))
                        .append("M").append(n(cx - 4)).append(' ').append(n(y1)).append('h').append("8")
                        .append("M").append(n(cx - 4)).append(' ').append(n(y2)).append('h').append("8")
                        .append("\" stroke=\"#222\" stroke-width=\"1.2\" fill=\"none\"/>\n");
            }
            h.append("<text x=\"").append(n(LEFT + g * groupW + groupW / 2)).append("\" y=\"")
                    .append(n(TOP + PLOT_H + 18)).append("\" text-anchor=\"middle\">").append(groups[g])
                    .append("</text>\n");
        }
        legend(h, model, methods, LEFT + PLOT_W + 15, TOP + 10);
        h.append("</svg>\n");
    }

    /** Mean per-class accuracy by head-to-tail rank, one line per method, D_i counts as grey bars behind. */
    private static void perClassLines(
            StringBuilder h, ReportModel model, String evaluation, Map<String, ReportModel.Cell> column) {
        int c = model.numClasses;
        double step = PLOT_W / c;
        openSvg(h, model.label(evaluation) + ": per-class accuracy, head to tail");
        // D_i count at each rank, averaged over splits, scaled to the plot height.
        double[] counts = new double[c];
        for (SplitCounts s : model.splits) {
            int[] order = model.headToTail(s);
            int[] cc = s.classCounts();
            for (int r = 0; r < c; r++) {
                counts[r] += (double) cc[order[r]] / model.splits.size();
            }
        }
        double maxCount = 0;
        for (double v : counts) {
            maxCount = Math.max(maxCount, v);
        }
        for (int r = 0; r < c && maxCount > 0; r++) {
            double bh = PLOT_H * counts[r] / maxCount;
            h.append("<rect x=\"").append(n(LEFT + r * step + step * 0.1)).append("\" y=\"")
                    .append(n(TOP + PLOT_H - bh)).append("\" width=\"").append(n(step * 0.8)).append("\" height=\"")
                    .append(n(bh)).append("\" fill=\"#e4e4e4\"><title>rank ").append(r).append(": ")
                    .append(Format.fixed(counts[r], 1)).append(" images in D_i</title></rect>\n");
        }
        yAxis(h, LEFT, TOP, PLOT_W, PLOT_H, "accuracy (%)");
        List<String> methods = new ArrayList<>(column.keySet());
        for (String method : methods) {
            double[] acc = model.accuracyByRank(column.get(method));
            StringBuilder points = new StringBuilder();
            for (int r = 0; r < c; r++) {
                points.append(r == 0 ? "" : " ").append(n(LEFT + (r + 0.5) * step)).append(',')
                        .append(n(TOP + PLOT_H * (1 - clip(acc[r]) / 100)));
            }
            h.append("<polyline points=\"").append(points).append("\" fill=\"none\" stroke=\"")
                    .append(color(model, method)).append("\" stroke-width=\"2\"/>\n");
            if (c <= 20) {
                for (int r = 0; r < c; r++) {
                    h.append("<circle cx=\"").append(n(LEFT + (r + 0.5) * step)).append("\" cy=\"")
                            .append(n(TOP + PLOT_H * (1 - clip(acc[r]) / 100))).append("\" r=\"3\" fill=\"")
                            .append(color(model, method)).append("\"><title>")
                            .append(Format.html(Format.methodName(method))).append(", rank ").append(r).append(": ")
                            .append(Format.fixed(acc[r], 2)).append("</title></circle>\n");
                }
            }
        }
        h.append("<text x=\"").append(n(LEFT + PLOT_W / 2)).append("\" y=\"").append(n(TOP + PLOT_H + 30))
                .append("\" text-anchor=\"middle\">classes from head (left) to tail (right); grey: D_i count")
                .append("</text>\n");
        legend(h, model, methods, LEFT + PLOT_W + 15, TOP + 10);
        h.append("</svg>\n");
    }

    private static void yAxis(StringBuilder h, double left, double top, double plotW, double plotH, String label) {
        for (int t = 0; t <= 100; t += 20) {
            double y = top + plotH * (1 - t / 100.0);
            h.append("<line x1=\"").append(n(left)).append("\" y1=\"").append(n(y)).append("\" x2=\"")
                    .append(n(left + plotW)).append("\" y2=\"").append(n(y))
                    .append("\" stroke=\"#ddd\" stroke-width=\"1\"/>\n");
            h.append("<text x=\"").append(n(left - 6)).append("\" y=\"").append(n(y + 4))
                    .append("\" text-anchor=\"end\">").append(t).append("</text>\n");
        }
        h.append("<text transform=\"translate(").append(n(left - 36)).append(' ').append(n(top + plotH / 2))
                .append(") rotate(-90)\" text-anchor=\"middle\">").append(Format.html(label)).append("</text>\n");
    }

    private static void legend(StringBuilder h, ReportModel model, List<String> methods, double x, double y) {
        for (int m = 0; m < methods.size(); m++) {
            double yy = y + m * 18;
            h.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(yy)).append("\" width=\"12\" height=\"12\""
                    + " fill=\"").append(color(model, methods.get(m))).append("\"/>\n");
            h.append("<text x=\"").append(n(x + 18)).append("\" y=\"").append(n(yy + 10)).append("\">")
                    .append(Format.html(Format.methodName(methods.get(m)))).append("</text>\n");
        }
    }

    private static double clip(double percent) {
        return Math.max(0, Math.min(100, percent));
    }
}
