package io.sdclr.dsl.chart;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * An inline SVG line or scatter chart with automatic "nice" axes, linear or logarithmic in x: the report's training
 * curves and PIE rate by class size, and {@code sdclr compare}'s accuracy against a swept value. Every series'
 * points carry a {@code <title>} tooltip; NaN values break a line; a series may carry error bars (± sd).
 *
 * <pre>{@code
 * new LineChart("Pretraining loss", "epoch", "loss")
 *     .add(new LineChart.Series("SDCLR, split 0", "#e15759", epochs, loss, titles, false))
 *     .legend("SDCLR", "#e15759")
 *     .render(html);
 * }</pre>
 */
public final class LineChart {

    /**
     * One line (or one set of points).
     *
     * @param name shown in every point's tooltip and on the line's own tooltip
     * @param pointTitles tooltip of each point after the name, or null for a plain line
     * @param pointsOnly draw the points without the line between them
     * @param yErr half-length of each point's error bar (NaN or 0: none), or null for no error bars
     */
    public record Series(String name, String color, double[] x, double[] y, String[] pointTitles, boolean pointsOnly,
            double[] yErr) {
        /** A series without error bars. */
        public Series(String name, String color, double[] x, double[] y, String[] pointTitles, boolean pointsOnly) {
            this(name, color, x, y, pointTitles, pointsOnly, null);
        }
    }

    private record Entry(String name, String color) {}

    /** The colours charts give their series in turn. */
    public static final List<String> PALETTE = List.of(
            "#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7");

    private static final double WIDTH = 640;
    private static final double HEIGHT = 300;
    private static final double RIGHT = 130;
    private static final double BOTTOM = 40;
    // Wider left margin than the report's accuracy bars: tick labels like "0.0125" must fit.
    private static final double LEFT = 64;
    private static final double PLOT_W = WIDTH - LEFT - RIGHT;
    private static final double TOP = 20;
    private static final double PLOT_H = HEIGHT - TOP - BOTTOM;

    private final String label;
    private final String xLabel;
    private final String yLabel;
    private boolean logX;
    private boolean fitLegend;
    private boolean yFromZero;
    private final List<Series> series = new ArrayList<>();
    private final List<Entry> legend = new ArrayList<>();

    public LineChart(String label, String xLabel, String yLabel) {
        this.label = label;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Logarithmic x axis (non-positive x values are not drawn). */
    public LineChart logX() {
        this.logX = true;
        return this;
    }

    /**
     * The chart is as wide as its longest legend entry needs (by default the legend has 130 px, and a longer entry is
     * cut).
     */
    public LineChart fitLegend() {
        this.fitLegend = true;
        return this;
    }

    /** The y axis starts at 0 even when every value is larger. */
    public LineChart yFromZero() {
        this.yFromZero = true;
        return this;
    }

    public LineChart add(Series s) {
        series.add(s);
        return this;
    }

    public LineChart legend(String name, String color) {
        legend.add(new Entry(name, color));
        return this;
    }

    /** Appends the chart; nothing when no series has a finite point. */
    public void render(StringBuilder h) {
        double xLo = Double.POSITIVE_INFINITY;
        double xHi = Double.NEGATIVE_INFINITY;
        double yLo = yFromZero ? 0 : Double.POSITIVE_INFINITY;
        double yHi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (drawable(s.x()[i], s.y()[i])) {
                    double err = err(s, i);
                    xLo = Math.min(xLo, s.x()[i]);
                    xHi = Math.max(xHi, s.x()[i]);
                    yLo = Math.min(yLo, s.y()[i] - err);
                    yHi = Math.max(yHi, s.y()[i] + err);
                }
            }
        }
        if (xLo > xHi) {
            return;
        }
        double width = WIDTH;
        if (fitLegend) {
            // Room at the right for the longest entry: a 12 px square, a gap, about 7 px per character.
            int longest = legend.stream().mapToInt(e -> e.name().length()).max().orElse(0);
            width = Math.max(WIDTH, LEFT + PLOT_W + 15 + 18 + 7 * longest + 8);
        }
        open(h, label, width);
        Axis y = Axis.linear(yLo, yHi);
        Axis x = logX ? Axis.log(xLo, xHi) : Axis.linear(xLo, xHi);
        for (int t = 0; t < y.ticks.size(); t++) {
            double py = py(y, y.ticks.get(t));
            h.append("<line x1=\"").append(n(LEFT)).append("\" y1=\"").append(n(py)).append("\" x2=\"")
                    .append(n(LEFT + PLOT_W)).append("\" y2=\"").append(n(py))
                    .append("\" stroke=\"#ddd\" stroke-width=\"1\"/>\n");
            h.append("<text x=\"").append(n(LEFT - 6)).append("\" y=\"").append(n(py + 4))
                    .append("\" text-anchor=\"end\">").append(y.labels.get(t)).append("</text>\n");
        }
        for (int t = 0; t < x.ticks.size(); t++) {
            double px = px(x, x.ticks.get(t));
            h.append("<line x1=\"").append(n(px)).append("\" y1=\"").append(n(TOP + PLOT_H)).append("\" x2=\"")
                    .append(n(px)).append("\" y2=\"").append(n(TOP + PLOT_H + 4))
                    .append("\" stroke=\"#888\" stroke-width=\"1\"/>\n");
            h.append("<text x=\"").append(n(px)).append("\" y=\"").append(n(TOP + PLOT_H + 17))
                    .append("\" text-anchor=\"middle\">").append(x.labels.get(t)).append("</text>\n");
        }
        h.append("<text transform=\"translate(").append(n(14)).append(' ').append(n(TOP + PLOT_H / 2))
                .append(") rotate(-90)\" text-anchor=\"middle\">").append(html(yLabel)).append("</text>\n");
        h.append("<text x=\"").append(n(LEFT + PLOT_W / 2)).append("\" y=\"").append(n(TOP + PLOT_H + 34))
                .append("\" text-anchor=\"middle\">").append(html(xLabel)).append("</text>\n");
        for (Series s : series) {
            drawSeries(h, s, x, y);
        }
        for (int e = 0; e < legend.size(); e++) {
            double lx = LEFT + PLOT_W + 15;
            double ly = TOP + 10 + e * 18;
            h.append("<rect x=\"").append(n(lx)).append("\" y=\"").append(n(ly))
                    .append("\" width=\"12\" height=\"12\" fill=\"").append(legend.get(e).color()).append("\"/>\n");
            h.append("<text x=\"").append(n(lx + 18)).append("\" y=\"").append(n(ly + 10)).append("\">")
                    .append(html(legend.get(e).name())).append("</text>\n");
        }
        h.append("</svg>\n");
    }

    private void drawSeries(StringBuilder h, Series s, Axis x, Axis y) {
        if (!s.pointsOnly()) {
            StringBuilder segment = new StringBuilder();
            for (int i = 0; i <= s.x().length; i++) {
                if (i < s.x().length && drawable(s.x()[i], s.y()[i])) {
                    segment.append(segment.length() == 0 ? "" : " ").append(n(px(x, s.x()[i]))).append(',')
                            .append(n(py(y, s.y()[i])));
                } else if (segment.length() > 0) {
                    h.append("<polyline points=\"").append(segment).append("\" fill=\"none\" stroke=\"")
                            .append(s.color()).append("\" stroke-width=\"2\"><title>").append(html(s.name()))
                            .append("</title></polyline>\n");
                    segment.setLength(0);
                }
            }
        }
        for (int i = 0; i < s.x().length; i++) {
            double err = err(s, i);
            if (err > 0 && drawable(s.x()[i], s.y()[i])) {
                double px = px(x, s.x()[i]);
                h.append("<path d=\"M").append(n(px - 4)).append(',').append(n(py(y, s.y()[i] - err))).append(" H")
                        .append(n(px + 4)).append(" M").append(n(px)).append(',').append(n(py(y, s.y()[i] - err)))
                        .append(" V").append(n(py(y, s.y()[i] + err))).append(" M").append(n(px - 4)).append(',')
                        .append(n(py(y, s.y()[i] + err))).append(" H").append(n(px + 4)).append("\" stroke=\"")
                        .append(s.color()).append("\" stroke-width=\"1.5\" fill=\"none\"/>\n");
            }
        }
        if (s.pointTitles() != null) {
            for (int i = 0; i < s.x().length; i++) {
                if (drawable(s.x()[i], s.y()[i])) {
                    h.append("<circle cx=\"").append(n(px(x, s.x()[i]))).append("\" cy=\"")
                            .append(n(py(y, s.y()[i]))).append("\" r=\"").append(s.pointsOnly() ? "4" : "2.5")
                            .append("\" fill=\"").append(s.color()).append("\"><title>")
                            .append(html(s.name() + ": " + s.pointTitles()[i])).append("</title></circle>\n");
                }
            }
        }
    }

    private static double err(Series s, int i) {
        return s.yErr() == null || !Double.isFinite(s.yErr()[i]) ? 0 : Math.abs(s.yErr()[i]);
    }

    private static void open(StringBuilder h, String label, double width) {
        h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(n(width)).append("\" height=\"")
                .append(n(HEIGHT)).append("\" viewBox=\"0 0 ").append(n(width)).append(' ').append(n(HEIGHT))
                .append("\" role=\"img\" aria-label=\"").append(html(label)).append("\">\n");
    }

    /** A coordinate, to 0.1 (half up). */
    private static String n(double v) {
        BigDecimal d = new BigDecimal(v).setScale(1, RoundingMode.HALF_UP);
        return d.signum() == 0 ? "0.0" : d.toPlainString();
    }

    /** Text for HTML or SVG: the characters that would end it escaped. */
    public static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
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
