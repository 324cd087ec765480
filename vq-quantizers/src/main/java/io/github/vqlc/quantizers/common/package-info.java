/** What every quantizer shares: flattening latents to vectors and back, the straight-through output, typed section reads. */
package io.github.vqlc.quantizers.common;
