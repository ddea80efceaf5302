package io.sdclr.steps.report;

import io.sdclr.steps.internal.metrics.GroupSummary;
import io.sdclr.steps.internal.metrics.MeanSd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code report.html}: one self-contained page (inline CSS, SVG and {@code data:} images; no scripts, no external
 * resources) with the tables of {@code report.md} and, per evaluation, a grouped bar chart of Many / Medium / Few / All
 * with ± sd whiskers and a per-class accuracy chart from head to tail class; then the training curves ({@link
 * CurvesHtml}) and the PIE section ({@link PieHtml}) when the report has them.
 */
final class HtmlReport {

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
                .append("td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n")
                .append("svg{display:block;margin:1em 0}\n")
                .append("svg text{font-family:system-ui,sans-serif;font-size:12px;fill:#222}\n")
                .append("table.grid td{vertical-align:top}\n")
                .append("figure.ex{display:inline-block;margin:2px 4px;text-align:center;font-size:10px;"
                        + "line-height:1.2;vertical-align:top}\n")
                .append("img.px{image-rendering:pixelated;display:block;margin:0 auto}\n")
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
            if (evaluation.equals(BalancedControl.EVALUATION)) {
                BalancedControl.of(model).ifPresent(c -> h.append("<p>").append(Format.html(c.sentence()))
                        .append("</p>\n"));
            }
            groupBars(h, model, evaluation, column);
            perClassLines(h, model, evaluation, column);
        }
        paper(h, model);
        CurvesHtml.render(h, model);
        PieHtml.render(h, model);

        h.append("<h2>Class counts in D<sub>i</sub> per split</h2>\n<table>\n<tr><th>Split</th>");
        for (int c = 0; c < model.numClasses; c++) {
            h.append("<th>").append(Format.html(model.classNames.get(c))).append("</th>");
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

    /** The paper's numbers beside ours where the dataset matches; this run's budget beside the paper's. */
    private static void paper(StringBuilder h, ReportModel model) {
        String dataset = model.input.dataset();
        List<PaperResults.Row> rows = PaperResults.rows(dataset);
        h.append("<h2>Paper (GPU scale)</h2>\n");
        if (!rows.isEmpty()) {
            String name = Format.html(PaperResults.paperDataset(dataset));
            h.append("<p>The paper's ").append(name)
                    .append(" numbers (Jiang et al., ICML 2021) beside this run's.</p>\n<table>\n<tr><th>")
                    .append(name).append("</th><th>SimCLR (paper)</th><th>SDCLR (paper)</th>"
                            + "<th>SimCLR (this run)</th><th>SDCLR (this run)</th></tr>\n");
            for (PaperResults.Row r : rows) {
                h.append("<tr><td>").append(Format.html(r.label())).append("</td><td class=\"n\">")
                        .append(ReportText.paperNumber(r.simclr())).append("</td><td class=\"n\">")
                        .append(ReportText.paperNumber(r.sdclr())).append("</td><td class=\"n\">")
                        .append(ReportText.ours(model, "simclr", r)).append("</td><td class=\"n\">")
                        .append(ReportText.ours(model, "sdclr", r)).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("<p>").append(Format.html(PaperResults.budget(dataset, model.input.params()))).append("</p>\n");
    }

    private static String color(ReportModel model, String method) {
        return Svg.color(model, method);
    }

    private static String n(double v) {
        return Svg.n(v);
    }

    private static double clip(double percent) {
        return Svg.clip(percent);
    }

    private static final double LEFT = Svg.LEFT;
    private static final double TOP = Svg.TOP;
    private static final double PLOT_W = Svg.PLOT_W;
    private static final double PLOT_H = Svg.PLOT_H;

    /** Many / Medium / Few / All bars per method, whiskers at mean ± sd (clipped to 0..100). */
    private static void groupBars(
            StringBuilder h, ReportModel model, String evaluation, Map<String, ReportModel.Cell> column) {
        String[] groups = {"Many", "Medium", "Few", "All"};
        List<String> methods = new ArrayList<>(column.keySet());
        Svg.open(h, model.label(evaluation) + ": accuracy by group");
        Svg.percentAxis(h, "accuracy (%)");
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
        Svg.legend(h, model, methods);
        h.append("</svg>\n");
    }

    /** Mean per-class accuracy by head-to-tail rank, one line per method, D_i counts as grey bars behind. */
    private static void perClassLines(
            StringBuilder h, ReportModel model, String evaluation, Map<String, ReportModel.Cell> column) {
        int c = model.numClasses;
        double step = PLOT_W / c;
        Svg.open(h, model.label(evaluation) + ": per-class accuracy, head to tail");
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
                    .append(n(bh)).append("\" fill=\"#e4e4e4\"><title>").append(Format.html(model.rankLabel(r)))
                    .append(": ")
                    .append(Format.fixed(counts[r], 1)).append(" images in D_i</title></rect>\n");
        }
        Svg.percentAxis(h, "accuracy (%)");
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
                            .append(Format.html(Format.methodName(method) + ", " + model.rankLabel(r))).append(": ")
                            .append(Format.fixed(acc[r], 2)).append("</title></circle>\n");
                }
            }
        }
        h.append("<text x=\"").append(n(LEFT + PLOT_W / 2)).append("\" y=\"").append(n(TOP + PLOT_H + 30))
                .append("\" text-anchor=\"middle\">classes from head (left) to tail (right); grey: D_i count")
                .append("</text>\n");
        Svg.legend(h, model, methods);
        h.append("</svg>\n");
    }
}
