/** {@code quantizer.type = bsq}: binary spherical quantization, 2^d sign codes on the unit sphere. */
package io.github.vqlc.quantizers.bsq;
