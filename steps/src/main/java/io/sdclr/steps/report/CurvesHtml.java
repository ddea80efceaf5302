package io.sdclr.steps.report;

import io.sdclr.dsl.chart.LineChart;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The training-curves section of {@code report.html}: the loss of every pretraining per epoch and, for SDCLR, the
 * pruning mask's kept fraction and magnitude threshold per epoch. One line per encoder, coloured by method, its
 * split in the line's and the points' tooltips.
 */
final class CurvesHtml {

    /** Points get tooltips up to this many epochs; longer runs are drawn as plain lines. */
    private static final int MAX_POINTS = 100;

    private CurvesHtml() {}

    static void render(StringBuilder h, ReportModel model) {
        if (model.curves.isEmpty()) {
            return;
        }
        h.append("<h2>Training curves</h2>\n<p>").append(Format.html(ReportText.curvesLine()))
                .append("</p>\n");
        chart(h, model, "Pretraining loss per epoch", "contrastive loss (NT-Xent)", TrainingCurve::loss, 1, 4);
        chart(h, model, "SDCLR pruning mask: conv weights kept per epoch", "weights kept (%)",
                TrainingCurve::maskKept, 100, 2);
        chart(h, model, "SDCLR pruning mask: magnitude threshold per epoch", "threshold |w|",
                TrainingCurve::maskThreshold, 1, 5);
    }

    /** One chart of {@code values} (times {@code scale}); nothing when no curve has them. */
    private static void chart(StringBuilder h, ReportModel model, String label, String yLabel,
            Function<TrainingCurve, double[]> values, double scale, int decimals) {
        LineChart chart = new LineChart(label, "epoch", yLabel);
        boolean any = false;
        for (Map.Entry<String, List<TrainingCurve>> e : model.curves.entrySet()) {
            boolean method = false;
            for (TrainingCurve c : e.getValue()) {
                double[] v = values.apply(c);
                if (v.length == 0) {
                    continue;
                }
                double[] x = new double[v.length];
                double[] y = new double[v.length];
                String[] titles = v.length <= MAX_POINTS ? new String[v.length] : null;
                for (int i = 0; i < v.length; i++) {
                    x[i] = i + 1;
                    y[i] = v[i] * scale;
                    if (titles != null) {
                        titles[i] = "epoch " + (i + 1) + ": " + Format.fixed(y[i], decimals);
                    }
                }
                chart.add(new LineChart.Series(Format.methodName(e.getKey()) + ", split " + c.split(),
                        Svg.color(model, e.getKey()), x, y, titles, false));
                method = true;
            }
            if (method) {
                chart.legend(Format.shortMethodName(e.getKey()), Svg.color(model, e.getKey()));
                any = true;
            }
        }
        if (any) {
            h.append("<h3>").append(Format.html(label)).append("</h3>\n");
            chart.render(h);
        }
    }
}
