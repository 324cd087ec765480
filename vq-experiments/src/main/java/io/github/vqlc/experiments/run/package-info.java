/** A run from start to metrics: run-directory rules, training then evaluation, metrics.json, and terminal progress. */
package io.github.vqlc.experiments.run;
