/** Image-quality metrics computed per image on tensors: PSNR, L1. */
package io.github.vqlc.eval.metrics;
