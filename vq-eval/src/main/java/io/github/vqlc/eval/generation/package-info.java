/** Metrics of generated images: the generation FID (gFID) against a reference split. */
package io.github.vqlc.eval.generation;
