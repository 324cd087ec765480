/**
 * Diffusion on tokenizer latents (docs/diffusion.md): the class-conditional diffusion transformer
 * (DiT blocks with adaLN-Zero) and SiT's velocity objective.
 */
package io.github.vqlc.models.diffusion;
