/** {@code quantizer.type = rvq}: residual vector quantization, G = depth codes per position. */
package io.github.vqlc.quantizers.rvq;
