/**
 * Benchmarks, each timing ours against a baseline on the same data in one run, and {@code vqlc
 * bench} that runs them (added to the CLI as a {@link io.github.vqlc.experiments.cli.CommandExtension}).
 * The peer scripts (PyTorch, scikit-learn) live in {@code vq-bench/scripts}.
 */
package io.github.vqlc.bench;
