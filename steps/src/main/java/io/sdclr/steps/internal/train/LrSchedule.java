package io.sdclr.steps.internal.train;

/**
 * Per-iteration learning rate: linear warm-up, then cosine to 1e-6 (SDCLR, train_simCLR.py
 * {@code cosine_annealing} in a {@code LambdaLR}). The official loop calls {@code scheduler.step()} before each
 * iteration (prune/prune_simCLR.py), so the i-th iteration (0-based) uses the factor at step i + 1.
 *
 * <pre>{@code
 * LrSchedule s = new LrSchedule(0.5, 10 * 44, 200 * 44);
 * double lr = s.at(iteration);
 * }</pre>
 *
 * @param peak the learning rate after warm-up (the configured lr, at any batch size)
 * @param warmupSteps iterations of linear warm-up
 * @param totalSteps iterations of the whole run
 */
record LrSchedule(double peak, long warmupSteps, long totalSteps) {
    static final double FINAL_LR = 1e-6;

    /** Learning rate of 0-based global iteration {@code iteration}. */
    double at(long iteration) {
        long step = iteration + 1;
        if (step < warmupSteps) {
            return peak * step / warmupSteps;
        }
        double min = FINAL_LR / peak;
        double span = Math.max(1, totalSteps - warmupSteps);
        double factor = min + (1 - min) * 0.5 * (1 + Math.cos((step - warmupSteps) / span * Math.PI));
        return peak * factor;
    }
}
