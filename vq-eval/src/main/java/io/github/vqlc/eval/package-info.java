/**
 * Evaluation: metric math ({@code metrics}), code-usage summaries and plots ({@code usage}), and the
 * pass over a split that reconstructs images and collects everything ({@code reconstruction}).
 */
package io.github.vqlc.eval;
