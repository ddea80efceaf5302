package io.sdclr.steps.report;

import io.sdclr.dsl.chart.LineChart;
import io.sdclr.steps.avro.PieAnalysis;
import io.sdclr.steps.avro.PieExample;
import io.sdclr.steps.internal.metrics.MeanSd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The PIE section of {@code report.html}: the definition, the group table of the primary definition, the table of
 * every classifier and image set, the chart of PIE rate by class size, the per-class table and, per method, a grid of
 * example PIEs and non-PIEs of one split (PNG images embedded as {@code data:} URIs).
 */
final class PieHtml {

    private PieHtml() {}

    static void render(StringBuilder h, ReportModel model) {
        if (model.pies.isEmpty()) {
            return;
        }
        h.append("<h2>Pruning-identified exemplars (PIEs)</h2>\n<p>")
                .append(Format.html(ReportText.pieDefinition(model))).append("</p>\n");
        if (model.hasPrimaryPies()) {
            h.append("<h3>PIE rate by group (linear classifiers, images of D<sub>i</sub>)</h3>\n<table>\n"
                    + "<tr><th>Method</th><th>Many</th><th>Medium</th><th>Few</th><th>All</th><th>Splits</th></tr>\n");
            for (PieModel.Method m : model.pies.values()) {
                if (m.hasPrimary()) {
                    h.append("<tr><td>").append(Format.html(Format.methodName(m.method()))).append("</td>");
                    for (MeanSd v : m.primary().groups().asList()) {
                        h.append("<td class=\"n\">").append(ReportText.meanSd(v)).append("</td>");
                    }
                    h.append("<td class=\"n\">").append(m.primary().splits().size()).append("</td></tr>\n");
                }
            }
            h.append("</table>\n");
        }
        h.append("<h3>PIE rate by classifier and images</h3>\n<table>\n<tr><th>Method</th><th>Classifier</th>"
                + "<th>Images</th><th>Many</th><th>Medium</th><th>Few</th><th>All</th><th>Dense accuracy</th>"
                + "<th>Pruned accuracy</th></tr>\n");
        for (PieModel.Method m : model.pies.values()) {
            for (PieModel.RateSet r : m.rateSets()) {
                h.append("<tr><td>").append(Format.html(Format.methodName(m.method()))).append("</td><td>")
                        .append(Format.html(r.classifier())).append("</td><td>")
                        .append(Format.html(ReportText.imagesName(r.images()))).append("</td>");
                List<MeanSd> cells = new ArrayList<>(r.groups().asList());
                cells.add(r.denseAccuracy());
                cells.add(r.prunedAccuracy());
                for (MeanSd v : cells) {
                    h.append("<td class=\"n\">").append(ReportText.meanSd(v)).append("</td>");
                }
                h.append("</tr>\n");
            }
        }
        h.append("</table>\n");
        if (model.hasPrimaryPies()) {
            rateByClassSize(h, model);
            perClassTable(h, model);
        }
        for (PieModel.Method m : model.pies.values()) {
            if (m.gridSource() != null) {
                grid(h, model, m.method(), m.gridSource());
            }
        }
    }

    /** PIE rate (y) against D_i class size (x, log), one point per head-to-tail rank averaged over splits. */
    private static void rateByClassSize(StringBuilder h, ReportModel model) {
        LineChart chart = new LineChart("PIE rate by class size", "images of the class in D_i (log scale)",
                "PIE rate (%)").logX().yFromZero();
        for (PieModel.Method m : model.pies.values()) {
            if (!m.hasPrimary()) {
                continue;
            }
            List<PieModel.RankPoint> points = m.byRank();
            double[] x = new double[points.size()];
            double[] y = new double[points.size()];
            String[] titles = new String[points.size()];
            for (int i = 0; i < points.size(); i++) {
                PieModel.RankPoint p = points.get(i);
                x[i] = p.count();
                y[i] = p.rate();
                titles[i] = (p.classId() >= 0 ? model.classNames.get(p.classId()) : "rank " + p.rank()) + ", "
                        + Format.fixed(p.count(), 1) + " images in D_i: " + Format.fixed(p.rate(), 2) + " % PIEs";
            }
            chart.add(new LineChart.Series(Format.methodName(m.method()), Svg.color(model, m.method()), x, y, titles,
                    false));
            chart.legend(Format.shortMethodName(m.method()), Svg.color(model, m.method()));
        }
        h.append("<h3>PIE rate by class size</h3>\n<p>Linear classifiers on the images of D<sub>i</sub>. One point per"
                + " class from head to tail, averaged over splits (a class's D<sub>i</sub> count and its PIE rate; when"
                + " splits order the classes differently, the point is the rank's mean).</p>\n");
        chart.render(h);
    }

    private static void perClassTable(StringBuilder h, ReportModel model) {
        List<PieModel.Method> methods = model.pies.values().stream().filter(PieModel.Method::hasPrimary).toList();
        h.append("<h3>PIE rate per class</h3>\n<table>\n<tr><th>Class</th><th>D<sub>i</sub> count</th>");
        for (PieModel.Method m : methods) {
            h.append("<th>").append(Format.html(Format.methodName(m.method()))).append("</th>");
        }
        h.append("</tr>\n");
        for (int c : ReportText.classesByMeanCount(model)) {
            h.append("<tr><td>").append(Format.html(model.classNames.get(c))).append("</td><td class=\"n\">")
                    .append(Format.html(ReportText.countsOf(model, c))).append("</td>");
            for (PieModel.Method m : methods) {
                h.append("<td class=\"n\">").append(ReportText.meanSd(m.perClass().get(c).rate())).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    /** PIEs and non-PIEs side by side, one row per class from head to tail. */
    private static void grid(StringBuilder h, ReportModel model, String method, PieAnalysis a) {
        h.append("<h3>").append(Format.html(Format.methodName(method))).append(", split ").append(a.getSplit())
                .append(": example PIEs and non-PIEs</h3>\n")
                .append("<p>Images of D<sub>i</sub>; each caption gives the class and the predictions of the dense"
                        + " and the pruned network's linear classifiers.</p>\n")
                .append("<table class=\"grid\">\n<tr><th>Class</th><th>D<sub>i</sub></th><th>PIEs</th>"
                        + "<th>Non-PIEs</th></tr>\n");
        int[] counts = PieModel.ints(a.getClassCounts());
        for (Map.Entry<Integer, List<PieExample>> e : PieModel.examplesByClass(a).entrySet()) {
            h.append("<tr><td>").append(Format.html(model.classNames.get(e.getKey()))).append("</td><td class=\"n\">")
                    .append(counts[e.getKey()]).append("</td><td>");
            for (PieExample x : e.getValue()) {
                if (x.getPie()) {
                    figure(h, model, x);
                }
            }
            h.append("</td><td>");
            for (PieExample x : e.getValue()) {
                if (!x.getPie()) {
                    figure(h, model, x);
                }
            }
            h.append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void figure(StringBuilder h, ReportModel model, PieExample x) {
        String label = model.classNames.get(x.getLabel());
        String dense = model.classNames.get(x.getDensePrediction());
        String pruned = model.classNames.get(x.getPrunedPrediction());
        int longer = Math.max(x.getWidth(), x.getHeight());
        h.append("<figure class=\"ex\"><img class=\"px\" src=\"").append(PngImages.dataUri(x))
                .append("\" width=\"").append(PngImages.displaySize(x.getWidth(), longer))
                .append("\" height=\"").append(PngImages.displaySize(x.getHeight(), longer))
                .append("\" alt=\"").append(Format.html(label + " image " + x.getId() + (x.getPie() ? ", a PIE" : "")))
                .append("\"><figcaption>").append(Format.html(label)).append("<br>dense: ").append(Format.html(dense))
                .append("<br>pruned: ").append(Format.html(pruned)).append("</figcaption></figure>\n");
    }
}
