/** Layers DJL lacks or that the VQGAN family needs: GroupNorm, ResNet and attention blocks, up/down sampling. */
package io.github.vqlc.models.nn;
