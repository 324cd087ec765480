/** {@code quantizer.type = lfq}: lookup-free quantization (MAGVIT-v2), 2^d sign codes, no codebook table. */
package io.github.vqlc.quantizers.lfq;
