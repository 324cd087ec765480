/**
 * The adversarial part of the VQGAN recipe: the PatchGAN discriminator, the hinge and
 * non-saturating GAN losses, and the adaptive weight that balances the GAN term against the
 * reconstruction term by their gradient norms at the decoder's last layer (Esser et al. 2021).
 */
package io.github.vqlc.models.gan;
