package io.github.vqlc.models.train;

import java.util.Map;

/**
 * The outcome of a training run.
 *
 * @param steps steps completed in total (including those before a resume)
 * @param trainSeconds wall time spent in training steps, summed over resumes
 * @param imagesPerSecond training throughput of this session
 * @param lastLosses the losses of the last logged step
 */
public record TrainingSummary(int steps, double trainSeconds, double imagesPerSecond, Map<String, Double> lastLosses) {}
