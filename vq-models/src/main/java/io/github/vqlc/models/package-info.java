/** Models and their training: network layers ({@code nn}), the VQ autoencoder ({@code vqgan}), the trainer ({@code train}). */
package io.github.vqlc.models;
