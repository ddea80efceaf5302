package io.sdclr.steps.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * An inline SVG line or scatter chart with automatic "nice" axes, linear or logarithmic in x: the training curves and
 * the PIE rate by class size. Every series' points carry a {@code <title>} tooltip; NaN values break a line.
 *
 * <pre>{@code
 * new LineChart("Pretraining loss", "epoch", "loss")
 *     .add(new LineChart.Series("SDCLR, split 0", "#e15759", epochs, loss, titles, false))
 *     .legend("SDCLR", "#e15759")
 *     .render(html);
 * }</pre>
 */
final class LineChart {

    /**
     * One line (or one set of points).
     *
     * @param name shown in every point's tooltip and on the line's own tooltip
     * @param pointTitles tooltip of each point after the name, or null for a plain line
     * @param pointsOnly draw the points without the line between them
     */
    record Series(String name, String color, double[] x, double[] y, String[] pointTitles, boolean pointsOnly) {}

    private record Entry(String name, String color) {}

    // Wider left margin than the accuracy charts: tick labels like "0.0125" must fit.
    private static final double LEFT = 64;
    private static final double PLOT_W = Svg.WIDTH - LEFT - Svg.RIGHT;
    private static final double TOP = Svg.TOP;
    private static final double PLOT_H = Svg.PLOT_H;

    private final String label;
    private final String xLabel;
    private final String yLabel;
    private boolean logX;
    private boolean yFromZero;
    private final List<Series> series = new ArrayList<>();
    private final List<Entry> legend = new ArrayList<>();

    LineChart(String label, String xLabel, String yLabel) {
        this.label = label;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Logarithmic x axis (non-positive x values are not drawn). */
    LineChart logX() {
        this.logX = true;
        return this;
    }

    /** The y axis starts at 0 even when every value is larger. */
    LineChart yFromZero() {
        this.yFromZero = true;
        return this;
    }

    LineChart add(Series s) {
        series.add(s);
        return this;
    }

    LineChart legend(String name, String color) {
        legend.add(new Entry(name, color));
        return this;
    }

    /** Appends the chart; nothing when no series has a finite point. */
    void render(StringBuilder h) {
        double xLo = Double.POSITIVE_INFINITY;
        double xHi = Double.NEGATIVE_INFINITY;
        double yLo = yFromZero ? 0 : Double.POSITIVE_INFINITY;
        double yHi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (drawable(s.x()[i], s.y()[i])) {
                    xLo = Math.min(xLo, s.x()[i]);
                    xHi = Math.max(xHi, s.x()[i]);
                    yLo = Math.min(yLo, s.y()[i]);
                    yHi = Math.max(yHi, s.y()[i]);
                }
            }
        }
        if (xLo > xHi) {
            return;
        }
        Svg.open(h, label);
        Axis y = Axis.linear(yLo, yHi);
        Axis x = logX ? Axis.log(xLo, xHi) : Axis.linear(xLo, xHi);
        for (int t = 0; t < y.ticks.size(); t++) {
            double py = py(y, y.ticks.get(t));
            h.append("<line x1=\"").append(Svg.n(LEFT)).append("\" y1=\"").append(Svg.n(py)).append("\" x2=\"")
                    .append(Svg.n(LEFT + PLOT_W)).append("\" y2=\"").append(Svg.n(py))
                    .append("\" stroke=\"#ddd\" stroke-width=\"1\"/>\n");
            h.append("<text x=\"").append(Svg.n(LEFT - 6)).append("\" y=\"").append(Svg.n(py + 4))
                    .append("\" text-anchor=\"end\">").append(y.labels.get(t)).append("</text>\n");
        }
        for (int t = 0; t < x.ticks.size(); t++) {
            double px = px(x, x.ticks.get(t));
            h.append("<line x1=\"").append(Svg.n(px)).append("\" y1=\"").append(Svg.n(TOP + PLOT_H)).append("\" x2=\"")
                    .append(Svg.n(px)).append("\" y2=\"").append(Svg.n(TOP + PLOT_H + 4))
                    .append("\" stroke=\"#888\" stroke-width=\"1\"/>\n");
            h.append("<text x=\"").append(Svg.n(px)).append("\" y=\"").append(Svg.n(TOP + PLOT_H + 17))
                    .append("\" text-anchor=\"middle\">").append(x.labels.get(t)).append("</text>\n");
        }
        h.append("<text transform=\"translate(").append(Svg.n(14)).append(' ').append(Svg.n(TOP + PLOT_H / 2))
                .append(") rotate(-90)\" text-anchor=\"middle\">").append(Format.html(yLabel)).append("</text>\n");
        h.append("<text x=\"").append(Svg.n(LEFT + PLOT_W / 2)).append("\" y=\"").append(Svg.n(TOP + PLOT_H + 34))
                .append("\" text-anchor=\"middle\">").append(Format.html(xLabel)).append("</text>\n");
        for (Series s : series) {
            drawSeries(h, s, x, y);
        }
        for (int e = 0; e < legend.size(); e++) {
            double lx = LEFT + PLOT_W + 15;
            double ly = TOP + 10 + e * 18;
            h.append("<rect x=\"").append(Svg.n(lx)).append("\" y=\"").append(Svg.n(ly))
                    .append("\" width=\"12\" height=\"12\" fill=\"").append(legend.get(e).color()).append("\"/>\n");
            h.append("<text x=\"").append(Svg.n(lx + 18)).append("\" y=\"").append(Svg.n(ly + 10)).append("\">")
                    .append(Format.html(legend.get(e).name())).append("</text>\n");
        }
        h.append("</svg>\n");
    }

    private void drawSeries(StringBuilder h, Series s, Axis x, Axis y) {
        if (!s.pointsOnly()) {
            StringBuilder segment = new StringBuilder();
            for (int i = 0; i <= s.x().length; i++) {
                if (i < s.x().length && drawable(s.x()[i], s.y()[i])) {
                    segment.append(segment.length() == 0 ? "" : " ").append(Svg.n(px(x, s.x()[i]))).append(',')
                            .append(Svg.n(py(y, s.y()[i])));
                } else if (segment.length() > 0) {
                    h.append("<polyline points=\"").append(segment).append("\" fill=\"none\" stroke=\"")
                            .append(s.color()).append("\" stroke-width=\"2\"><title>").append(Format.html(s.name()))
                            .append("</title></polyline>\n");
                    segment.setLength(0);
                }
            }
        }
        if (s.pointTitles() != null) {
            for (int i = 0; i < s.x().length; i++) {
                if (drawable(s.x()[i], s.y()[i])) {
                    h.append("<circle cx=\"").append(Svg.n(px(x, s.x()[i]))).append("\" cy=\"")
                            .append(Svg.n(py(y, s.y()[i]))).append("\" r=\"").append(s.pointsOnly() ? "4" : "2.5")
                            .append("\" fill=\"").append(s.color()).append("\"><title>")
                            .append(Format.html(s.name() + ": " + s.pointTitles()[i])).append("</title></circle>\n");
                }
            }
        }
    }

    private boolean drawable(double x, double y) {
        return Double.isFinite(x) && Double.isFinite(y) && (!logX || x > 0);
    }

    private double px(Axis x, double v) {
        double f = logX ? (StrictMath.log10(v) - StrictMath.log10(x.lo)) / (StrictMath.log10(x.hi)
                - StrictMath.log10(x.lo)) : (v - x.lo) / (x.hi - x.lo);
        return LEFT + PLOT_W * f;
    }

    private static double py(Axis y, double v) {
        return TOP + PLOT_H * (1 - (v - y.lo) / (y.hi - y.lo));
    }

    /** An axis' range and its ticks with their labels. */
    private record Axis(double lo, double hi, List<Double> ticks, List<String> labels) {

        /** Ticks at multiples of 1, 2 or 5 × 10^k, about five of them; the range is widened to whole ticks. */
        static Axis linear(double lo, double hi) {
            if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
                double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
                lo -= pad;
                hi += pad;
            }
            int exponent = (int) StrictMath.floor(StrictMath.log10((hi - lo) / 5));
            double unit = BigDecimal.ONE.scaleByPowerOfTen(exponent).doubleValue();
            double f = (hi - lo) / 5 / unit;
            int mantissa = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
            BigDecimal step = BigDecimal.valueOf(mantissa).scaleByPowerOfTen(exponent);
            double s = step.doubleValue();
            long first = (long) StrictMath.floor(lo / s + 1e-9);
            long last = (long) StrictMath.ceil(hi / s - 1e-9);
            List<Double> ticks = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (long k = first; k <= last; k++) {
                BigDecimal t = step.multiply(BigDecimal.valueOf(k));
                ticks.add(t.doubleValue());
                labels.add(t.signum() == 0 ? "0" : t.stripTrailingZeros().toPlainString());
            }
            return new Axis(ticks.get(0), ticks.get(ticks.size() - 1), List.copyOf(ticks), List.copyOf(labels));
        }

        /** Ticks at 1, 2 and 5 × 10^k inside the range; a single value gets a factor 2 either side. */
        static Axis log(double lo, double hi) {
            if (hi / lo < 1.5) {
                lo /= 2;
                hi *= 2;
            }
            lo /= 1.15;
            hi *= 1.15;
            List<Double> ticks = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            int from = (int) StrictMath.floor(StrictMath.log10(lo));
            int to = (int) StrictMath.ceil(StrictMath.log10(hi));
            for (int k = from; k <= to; k++) {
                for (int m : new int[] {1, 2, 5}) {
                    BigDecimal t = BigDecimal.valueOf(m).scaleByPowerOfTen(k);
                    if (t.doubleValue() >= lo && t.doubleValue() <= hi) {
                        ticks.add(t.doubleValue());
                        labels.add(t.stripTrailingZeros().toPlainString());
                    }
                }
            }
            return new Axis(lo, hi, List.copyOf(ticks), List.copyOf(labels));
        }
    }
}
