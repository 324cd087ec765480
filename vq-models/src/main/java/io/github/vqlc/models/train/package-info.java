/**
 * Training: an Adam optimizer whose state is saved with checkpoints (DJL's is not), the learning-rate
 * schedule, atomic checkpoints, and the training loop with its listener hooks for progress and
 * periodic evaluation.
 */
package io.github.vqlc.models.train;
