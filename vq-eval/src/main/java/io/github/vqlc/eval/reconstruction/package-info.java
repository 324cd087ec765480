/**
 * One pass over an evaluation split: encode (and, for reconstruction metrics, decode) every image,
 * accumulate code usage and per-image metrics, and report them as {@code metrics.json} keys.
 */
package io.github.vqlc.eval.reconstruction;
