/**
 * Tokenizer weights in and out of vqlc under PyTorch programs' state-dict names
 * (taming-transformers' {@code VQModel}, the VQGAN-LC authors' model, or vqlc's own): the name map,
 * {@code vqlc export} and {@code vqlc import}. docs/interop.md.
 */
package io.github.vqlc.experiments.interop;
