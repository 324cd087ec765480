/**
 * The VQ autoencoder: taming-style encoder and decoder around a pluggable quantizer, with the 1x1
 * quant/post-quant convolutions that map between the encoder's z-channels and the quantizer's width.
 */
package io.github.vqlc.models.vqgan;
