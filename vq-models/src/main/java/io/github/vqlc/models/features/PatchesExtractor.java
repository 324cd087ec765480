package io.github.vqlc.models.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.ContentHash;
import io.github.vqlc.core.ops.PatchPooling;
import io.github.vqlc.core.spi.FeatureExtractor;

/**
 * {@code patches}: raw pixels, the pretraining-free baseline.
 *
 * <p>Patch features: non-overlapping p x p patches, (B, C, S, S) -> (B, C*p*p, S/p, S/p), feature
 * index {@code c*p*p + dy*p + dx}. Global features (when {@code globalSize} g > 0): the image
 * average-pooled to g x g and flattened, (B, C*g*g), channel-major; a pixel-space stand-in whose
 * Frechet distances are not comparable to Inception FIDs.
 */
final class PatchesExtractor implements FeatureExtractor {

    private final int channels;
    private final int imageSize;
    private final int patchSize;
    private final int globalSize;

    PatchesExtractor(int channels, int imageSize, int patchSize, int globalSize) {
        this.channels = channels;
        this.imageSize = imageSize;
        this.patchSize = patchSize;
        this.globalSize = globalSize;
    }

    @Override
    public String type() {
        return PatchesExtractorFactory.TYPE;
    }

    @Override
    public String describe() {
        return "patches (patch-size " + patchSize + ", global-size " + globalSize + ", " + channels + "x" + imageSize
                + "x" + imageSize + " images)";
    }

    @Override
    public String fingerprint() {
        return ContentHash.of(
                type(),
                "patch-size=" + patchSize,
                "global-size=" + globalSize,
                "channels=" + channels,
                "image-size=" + imageSize);
    }

    @Override
    public boolean hasPatchFeatures() {
        return true;
    }

    @Override
    public boolean hasGlobalFeatures() {
        return globalSize > 0;
    }

    @Override
    public int patchDim() {
        return channels * patchSize * patchSize;
    }

    @Override
    public int globalDim() {
        return channels * globalSize * globalSize;
    }

    @Override
    public NDArray patchFeatures(NDArray images) {
        Extractors.checkImages(type(), images, channels, imageSize);
        long b = images.getShape().get(0);
        int p = patchSize;
        int n = imageSize / p;
        return images.reshape(new Shape(b, channels, n, p, n, p))
                .transpose(0, 1, 3, 5, 2, 4)
                .reshape(b, (long) channels * p * p, n, n);
    }

    @Override
    public NDArray globalFeatures(NDArray images) {
        if (globalSize == 0) {
            throw new UserException("the patches feature extractor has no global features with global-size = 0;"
                    + " set global-size > 0 (pixel-space Frechet distances) or use feature-net / torchscript");
        }
        Extractors.checkImages(type(), images, channels, imageSize);
        return PatchPooling.pool(images, globalSize).reshape(images.getShape().get(0), -1);
    }

    @Override
    public void close() {}
}
