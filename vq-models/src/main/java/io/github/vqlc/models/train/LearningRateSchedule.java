package io.github.vqlc.models.train;

/** Linear warm-up from 0 to {@code peak} over {@code warmup} steps, then half-cycle cosine down to {@code min} at {@code total}. */
public record LearningRateSchedule(double peak, double min, int warmup, int total) {

    /** Learning rate for 1-based step {@code step}. */
    public double at(int step) {
        if (warmup > 0 && step <= warmup) {
            return peak * step / warmup;
        }
        int span = Math.max(1, total - warmup);
        double progress = Math.min(1.0, (step - warmup) / (double) span);
        return min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
