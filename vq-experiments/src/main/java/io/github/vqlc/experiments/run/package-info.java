/**
 * Run directories: what a command writes and how it is read back. {@link
 * io.github.vqlc.experiments.run.RunDirectory} holds the file rules of any run (config.conf,
 * metrics.json, samples/), {@link io.github.vqlc.experiments.run.TrainedRun} is a trained tokenizer
 * rebuilt from its directory (with its EMA weights when it trained with them), {@link
 * io.github.vqlc.experiments.run.GptRun} a trained GPT, {@link
 * io.github.vqlc.experiments.run.RunConfig} the {@code run} section that names the directory.
 */
package io.github.vqlc.experiments.run;
