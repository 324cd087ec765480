/**
 * What a user sees while long work runs: a live bar with rate and ETA on a terminal, plain lines
 * with the same figures when the output is a file or a pipe.
 */
package io.github.vqlc.experiments.progress;
