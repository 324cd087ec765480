/**
 * Image-quality metrics computed per image on batched tensors: PSNR (RGB or BT.601 luma), SSIM
 * (Gaussian window, skimage's standard settings) and LPIPS through a user-supplied TorchScript file.
 */
package io.github.vqlc.eval.metrics;
