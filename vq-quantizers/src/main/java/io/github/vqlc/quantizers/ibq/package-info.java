/** {@code quantizer.type = ibq}: index backpropagation quantization, gradient to every code through a softmax. */
package io.github.vqlc.quantizers.ibq;
