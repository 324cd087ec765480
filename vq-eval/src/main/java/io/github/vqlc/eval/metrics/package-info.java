/**
 * Image-quality metrics computed per image on batched tensors: PSNR (RGB or BT.601 luma) and SSIM
 * (Gaussian window, skimage's standard settings). LPIPS is the one TorchScript LPIPS of vq-models
 * ({@code models.loss.TorchScriptLpips}), shared with the perceptual loss.
 */
package io.github.vqlc.eval.metrics;
