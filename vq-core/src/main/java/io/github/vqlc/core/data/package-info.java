/**
 * Datasets and batching. Every reader (IDX for MNIST/Fashion-MNIST, CIFAR-10 binary, ImageNet/FFHQ
 * style image folders, and a seeded synthetic set for tests) sits behind one small interface,
 * {@link io.github.vqlc.core.data.ImageDataset}, that writes one image as CHW floats in [-1, 1]
 * into a caller-owned buffer; {@link io.github.vqlc.core.data.Datasets#open} picks the reader by
 * name from a {@link io.github.vqlc.core.data.DataConfig}. {@link io.github.vqlc.core.data.BatchLoader}
 * turns a dataset into NCHW float32 batches (one host buffer, one NDArray creation per batch) with
 * seeded per-epoch shuffling and a position that can be saved and restored for exact resume.
 * Missing or corrupt data ends in a {@link io.github.vqlc.core.data.DataException} with a one-line
 * message naming the file and the problem.
 */
package io.github.vqlc.core.data;
