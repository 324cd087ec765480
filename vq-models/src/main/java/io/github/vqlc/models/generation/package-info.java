/**
 * What every downstream generator (the token GPT, the latent diffusion transformer) offers the
 * commands that sample from it: {@link io.github.vqlc.models.generation.ClassImageSampler}.
 */
package io.github.vqlc.models.generation;
