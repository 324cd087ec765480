/** {@code quantizer.type = fsq}: finite scalar quantization (Mentzer et al. 2023), no codebook table. */
package io.github.vqlc.quantizers.fsq;
