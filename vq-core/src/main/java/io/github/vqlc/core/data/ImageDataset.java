package io.github.vqlc.core.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A finite, indexable set of labelled images of one fixed shape (C, H, W) with H = W = {@link
 * #imageSize()}. {@link #image} writes one image as C*H*W floats in CHW order, scaled to [-1, 1]
 * (0 -> -1, 255 -> 1). Implementations are safe for concurrent {@code image}/{@code label} calls
 * (the batch loader may decode several images in parallel).
 */
public interface ImageDataset {

    /** Number of images. */
    int size();

    /** Channels per image, 1 or 3. */
    int channels();

    /** Height = width of every image, in pixels. */
    int imageSize();

    /** Number of classes; labels are in [0, numClasses). */
    int numClasses();

    /** Class label of image {@code i}. */
    int label(int i);

    /**
     * Writes image {@code i} into {@code dst[offset .. offset + C*H*W)} in CHW order, values in [-1, 1].
     *
     * @param augmentRng source of randomness for training augmentation; {@code null} = the
     *     deterministic evaluation transform. Datasets without augmentation ignore it.
     */
    void image(int i, float[] dst, int offset, Random augmentRng);

    /** One line for logs: name, split, size, shape, classes, source. */
    String describe();

    /** Floats per image: C*H*W. */
    default int imageFloats() {
        return channels() * imageSize() * imageSize();
    }

    /** Human-readable class names, index = label; by default "0", "1", .... */
    default List<String> classNames() {
        List<String> names = new ArrayList<>(numClasses());
        for (int k = 0; k < numClasses(); k++) {
            names.add(Integer.toString(k));
        }
        return names;
    }
}
