package io.sdclr.steps.internal.metrics;

/**
 * Mean and population standard deviation over splits (the paper's "± over splits").
 *
 * <pre>{@code
 * MeanSd s = MeanSd.of(75.0, 76.0, 77.5);   // mean 76.1667, sd 1.0274
 * }</pre>
 */
public record MeanSd(double mean, double sd) {

    /** Mean and population std (divide by n, not n-1); NaN if {@code values} is empty or holds a NaN. */
    public static MeanSd of(double... values) {
        if (values.length == 0) {
            return new MeanSd(Double.NaN, Double.NaN);
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / values.length;
        double sq = 0;
        for (double v : values) {
            sq += (v - mean) * (v - mean);
        }
        return new MeanSd(mean, Math.sqrt(sq / values.length));
    }
}
