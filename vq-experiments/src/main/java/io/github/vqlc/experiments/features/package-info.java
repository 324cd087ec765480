/**
 * Feature extractors that need a whole trained run: {@code encoder}, the encoder and quant conv of
 * a vqlc run as {@code vqlc eval} sees it (its averaged weights when it trained with weight EMA).
 */
package io.github.vqlc.experiments.features;
