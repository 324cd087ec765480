/**
 * Quantizer implementations, one package per type ({@code vq}, {@code ema}, {@code fc}, {@code lc}, {@code fsq}, {@code lfq},
 * {@code bsq}, {@code ibq}),
 * registered through {@code META-INF/services/io.github.vqlc.core.spi.QuantizerFactory}, plus the
 * pieces they share ({@code common}).
 */
package io.github.vqlc.quantizers;
