package io.github.vqlc.core.spi;

/**
 * What the trainer tells a quantizer before each training step: for losses annealed over training
 * and for work deferred to a step boundary (dead-code restarts).
 *
 * @param step the step about to run, 1-based
 * @param totalSteps the run's {@code train.steps}
 */
public record StepContext(int step, int totalSteps) {

    public StepContext {
        if (step < 1 || totalSteps < 1) {
            throw new IllegalArgumentException("step " + step + " of " + totalSteps);
        }
    }

    /** step / totalSteps, in (0, 1]. */
    public double progress() {
        return Math.min(1.0, (double) step / totalSteps);
    }
}
