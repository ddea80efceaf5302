package io.sdclr.steps.report;

import io.sdclr.dsl.chart.LineChart;
import java.util.List;

/** What every inline SVG chart of {@code report.html} shares: geometry, colours, axes and legends. */
final class Svg {

    static final double WIDTH = 640;
    static final double HEIGHT = 300;
    static final double LEFT = 50;
    static final double RIGHT = 130;
    static final double TOP = 20;
    static final double BOTTOM = 40;
    static final double PLOT_W = WIDTH - LEFT - RIGHT;
    static final double PLOT_H = HEIGHT - TOP - BOTTOM;

    private Svg() {}

    /** A method's colour, the same in every chart: by its position among the report's methods. */
    static String color(ReportModel model, String method) {
        return LineChart.PALETTE.get(model.methods.indexOf(method) % LineChart.PALETTE.size());
    }

    /** A coordinate. */
    static String n(double v) {
        return Format.fixed(v, 1);
    }

    static double clip(double percent) {
        return Math.max(0, Math.min(100, percent));
    }

    /** Opens a chart's {@code <svg>} element, labelled for screen readers. */
    static void open(StringBuilder h, String label) {
        h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(n(WIDTH)).append("\" height=\"")
                .append(n(HEIGHT)).append("\" viewBox=\"0 0 ").append(n(WIDTH)).append(' ').append(n(HEIGHT))
                .append("\" role=\"img\" aria-label=\"").append(Format.html(label)).append("\">\n");
    }

    /** A 0..100 % axis with grid lines every 20. */
    static void percentAxis(StringBuilder h, String label) {
        for (int t = 0; t <= 100; t += 20) {
            double y = TOP + PLOT_H * (1 - t / 100.0);
            gridLine(h, y);
            h.append("<text x=\"").append(n(LEFT - 6)).append("\" y=\"").append(n(y + 4))
                    .append("\" text-anchor=\"end\">").append(t).append("</text>\n");
        }
        yLabel(h, label);
    }

    static void gridLine(StringBuilder h, double y) {
        h.append("<line x1=\"").append(n(LEFT)).append("\" y1=\"").append(n(y)).append("\" x2=\"")
                .append(n(LEFT + PLOT_W)).append("\" y2=\"").append(n(y))
                .append("\" stroke=\"#ddd\" stroke-width=\"1\"/>\n");
    }

    static void yLabel(StringBuilder h, String label) {
        h.append("<text transform=\"translate(").append(n(LEFT - 36)).append(' ').append(n(TOP + PLOT_H / 2))
                .append(") rotate(-90)\" text-anchor=\"middle\">").append(Format.html(label)).append("</text>\n");
    }

    /** One coloured square and name per method, at the right of the plot. */
    static void legend(StringBuilder h, ReportModel model, List<String> methods) {
        for (int m = 0; m < methods.size(); m++) {
            double x = LEFT + PLOT_W + 15;
            double yy = TOP + 10 + m * 18;
            h.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(yy)).append("\" width=\"12\" height=\"12\""
                    + " fill=\"").append(color(model, methods.get(m))).append("\"/>\n");
            h.append("<text x=\"").append(n(x + 18)).append("\" y=\"").append(n(yy + 10)).append("\">")
                    .append(Format.html(Format.shortMethodName(methods.get(m)))).append("</text>\n");
        }
    }
}
