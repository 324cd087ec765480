package io.github.vqlc.models.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.UserException;

/** Input checks and errors shared by feature extractors, so each says the same thing the same way. */
public final class Extractors {

    private Extractors() {}

    /** Images must be (B, channels, size, size): the shape the extractor was configured or trained for. */
    public static void checkImages(String type, NDArray images, int channels, int size) {
        Shape s = images.getShape();
        if (s.dimension() != 4 || s.get(1) != channels || s.get(2) != size || s.get(3) != size) {
            throw new UserException(
                    type + " extractor expects images (B, " + channels + ", " + size + ", " + size + ") but got " + s);
        }
    }

    /** The error of an extractor asked for a kind of features it does not have. */
    public static UserException unsupported(String type, String kind) {
        return new UserException("the " + type + " feature extractor has no " + kind + " features;"
                + " use an extractor type that provides them");
    }
}
