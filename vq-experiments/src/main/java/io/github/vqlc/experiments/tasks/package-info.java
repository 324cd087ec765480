/**
 * One class per thing the CLI does, each named for what it does: {@link
 * io.github.vqlc.experiments.tasks.Training} (train, then evaluate), {@link
 * io.github.vqlc.experiments.tasks.Evaluation}, {@link
 * io.github.vqlc.experiments.tasks.Tokenization}, {@link
 * io.github.vqlc.experiments.tasks.GptTraining}, {@link
 * io.github.vqlc.experiments.tasks.Generation}, {@link
 * io.github.vqlc.experiments.tasks.FeatureNetTraining}, {@link
 * io.github.vqlc.experiments.tasks.ModelSummary}. They read and write run directories ({@code
 * experiments.run}); the commands in {@code experiments.cli} only parse arguments and call them.
 */
package io.github.vqlc.experiments.tasks;
