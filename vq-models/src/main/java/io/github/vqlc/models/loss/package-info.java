/**
 * Perceptual losses of the generator: a user-exported TorchScript LPIPS, or distances between
 * features of the in-project feature network. Their networks are frozen but pass gradients to
 * their inputs.
 */
package io.github.vqlc.models.loss;
