package io.sdclr.steps.report;

import io.sdclr.steps.internal.metrics.GroupSummary;
import java.util.List;
import java.util.Optional;

/**
 * What the balanced control shows (SDCLR protocol, "The evidence behind the method"): the long tail's cost to SimCLR
 * (linear-probe accuracy of SimCLR pretrained on D_b minus SimCLR pretrained on D_i, per group) and how much of
 * it SDCLR on D_i recovers (SDCLR minus SimCLR, both on D_i). Differences of the means over splits, in points.
 *
 * <pre>{@code
 * BalancedControl.of(model).ifPresent(c -> c.cost()[2]);   // Few: SimCLR on D_b - SimCLR on D_i
 * }</pre>
 *
 * @param cost [Many, Medium, Few, All] of SimCLR on D_b minus SimCLR on D_i
 * @param recovered the same for SDCLR minus SimCLR (both on D_i); null without SDCLR's linear probe
 * @param spread the larger population sd over splits of the two SimCLR rows' All accuracy: a cost below it (or below
 *     {@link #MEASURABLE} points) is too small to measure a recovery against
 */
record BalancedControl(double[] cost, double[] recovered, double spread) {
    /** The smallest All cost, in points, against which a recovered share is given. */
    static final double MEASURABLE = 1.0;

    static final String EVALUATION = "linear";
    static final List<String> GROUPS = List.of("Many", "Medium", "Few", "All");

    /** Present when the linear probe has results of SimCLR on D_i and of the balanced control. */
    static Optional<BalancedControl> of(ReportModel model) {
        ReportModel.Cell simclr = cell(model, "simclr");
        ReportModel.Cell balanced = cell(model, "simclr-balanced");
        if (simclr == null || balanced == null) {
            return Optional.empty();
        }
        ReportModel.Cell sdclr = cell(model, "sdclr");
        double[] base = means(simclr.summary());
        double spread = Math.max(sd(simclr.summary().all().sd()), sd(balanced.summary().all().sd()));
        return Optional.of(new BalancedControl(minus(means(balanced.summary()), base),
                sdclr == null ? null : minus(means(sdclr.summary()), base), spread));
    }

    /**
     * The share of the All-classes cost that SDCLR recovers; NaN when the cost is too small to measure against (under
     * {@link #MEASURABLE} points or under the spread over splits), where a share would be noise.
     */
    double recoveredShareOfAll() {
        return recovered == null || !measurable() ? Double.NaN : recovered[3] / cost[3];
    }

    private boolean measurable() {
        return cost[3] >= MEASURABLE && cost[3] > spread;
    }

    private static double sd(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    /** The report's sentence, e.g. "... costs SimCLR 1.20 / 3.40 / 8.90 points on Many / Medium / Few ...". */
    String sentence() {
        StringBuilder b = new StringBuilder("What the balanced control shows: the long tail costs SimCLR ")
                .append(groups(cost)).append(" points on Many / Medium / Few (All ").append(number(cost[3]))
                .append(") in the linear probe: SimCLR pretrained on the balanced D_b (same size as D_i) minus"
                        + " SimCLR pretrained on the long-tailed D_i.");
        if (!(cost[3] > 0)) {
            b.append(" On All, the long tail costs SimCLR nothing in this run.");
        } else if (!measurable()) {
            b.append(" On All, the cost is smaller than ").append(cost[3] < MEASURABLE ? "1 point" : "the spread")
                    .append(" (sd over splits up to ").append(number(spread))
                    .append("): too small to measure a recovery against.");
        }
        if (recovered != null) {
            b.append(" SDCLR on D_i recovers ").append(groups(recovered)).append(" points of it (All ")
                    .append(number(recovered[3]));
            double share = recoveredShareOfAll();
            if (!Double.isNaN(share)) {
                b.append(", ").append(Format.fixed(100 * share, 0).replace('-', '−')).append(" % of the All cost");
            }
            b.append("): SDCLR minus SimCLR, both pretrained on D_i.");
        }
        return b.toString();
    }

    private static String groups(double[] v) {
        return number(v[0]) + " / " + number(v[1]) + " / " + number(v[2]);
    }

    private static String number(double v) {
        return Format.fixed(v, 2).replace('-', '−');
    }

    private static ReportModel.Cell cell(ReportModel model, String method) {
        return model.cells.containsKey(method) ? model.cells.get(method).get(EVALUATION) : null;
    }

    private static double[] means(GroupSummary s) {
        return new double[] {s.many().mean(), s.medium().mean(), s.few().mean(), s.all().mean()};
    }

    private static double[] minus(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
    }
}
