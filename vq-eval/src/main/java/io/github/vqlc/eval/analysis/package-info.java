/**
 * Why a tokenizer uses the codes it uses ({@code vqlc analyze}): rarefaction and a Chao1 estimate
 * of the reachable codes, where the dead codes are (k-means cluster size, class block, norm),
 * coverage of the latents by the codes, usage by class, and a verdict. Pure computations on host
 * arrays; the experiments module runs the passes and writes the files.
 */
package io.github.vqlc.eval.analysis;
