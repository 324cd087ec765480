/**
 * Frechet distance between feature distributions (rFID): streaming mean/covariance statistics of
 * extractor features, the distance itself (pytorch-fid's formula, computed through symmetric
 * eigen-decompositions), and the on-disk cache of reference-split statistics keyed by everything
 * that determines them.
 */
package io.github.vqlc.eval.fid;
