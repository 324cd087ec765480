package io.github.vqlc.models.train;

import ai.djl.Device;
import ai.djl.training.ParameterStore;
import io.github.vqlc.models.gan.PatchDiscriminator;
import io.github.vqlc.models.loss.PerceptualLoss;
import io.github.vqlc.models.vqgan.VqAutoencoder;

/**
 * One copy of the networks a VQGAN step trains, on one device, with the parameter store its
 * forward passes read from.
 *
 * @param discriminator null when the GAN term is off
 * @param perceptual the (frozen) perceptual network on this replica's device, or null for none
 */
public record Replica(
        VqAutoencoder model, PatchDiscriminator discriminator, PerceptualLoss perceptual, ParameterStore ps) {

    /** The device of the model's parameters. */
    public Device device() {
        return model.getParameters().valueAt(0).getArray().getDevice();
    }
}
