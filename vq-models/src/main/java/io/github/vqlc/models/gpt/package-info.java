/**
 * The downstream generator of the paper's Table 4: a class-conditional autoregressive transformer
 * over a tokenizer's token grids ({@link io.github.vqlc.models.gpt.TokenGpt}), its training on a
 * tokens file ({@link io.github.vqlc.models.gpt.GptTrainer}), and sampling with temperature,
 * top-k and top-p through a key/value cache ({@link io.github.vqlc.models.gpt.TokenSampler}); the
 * {@link io.github.vqlc.models.gpt.ImageGenerator} decodes samples to images through the tokenizer.
 */
package io.github.vqlc.models.gpt;
