package io.github.vqlc.core.data;

import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.Values;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Which dataset to read and how to present its images.
 *
 * @param name one of {@link #NAMES}; checked by {@link Datasets#open} (an unknown name is a
 *     {@link DataException} listing the valid ones)
 * @param root directory holding the data; {@code null} = the standard locations of that dataset
 *     (required for {@code image-folder})
 * @param imageSize output height = width in pixels, in [{@value #MIN_IMAGE_SIZE}, {@value
 *     #MAX_IMAGE_SIZE}]
 * @param channels 1 (gray; color sources are converted to luma) or 3 (RGB; gray sources are
 *     replicated)
 * @param augment random crop + horizontal flip on training batches of image folders
 * @param limit at most this many images per split (the first ones), 0 = all
 */
public record DataConfig(String name, Path root, int imageSize, int channels, boolean augment, int limit) {

    /** The dataset names {@link Datasets#open} knows. */
    public static final List<String> NAMES = List.of("fashion-mnist", "mnist", "cifar10", "image-folder", "synthetic");

    public static final int MIN_IMAGE_SIZE = 8;
    public static final int MAX_IMAGE_SIZE = 4096;

    /** Validates the fields; a bad value throws {@link IllegalArgumentException} naming the expected range. */
    public DataConfig {
        Objects.requireNonNull(name, "name must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank; expected one of: " + String.join(", ", NAMES));
        }
        if (imageSize < MIN_IMAGE_SIZE || imageSize > MAX_IMAGE_SIZE) {
            throw new IllegalArgumentException("image-size = " + imageSize
                    + " is out of range; expected an integer in [" + MIN_IMAGE_SIZE + ", " + MAX_IMAGE_SIZE + "]");
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException(
                    "channels = " + channels + " is not valid; expected 1 (gray) or 3 (RGB)");
        }
        if (limit < 0) {
            throw new IllegalArgumentException(
                    "limit = " + limit + " is out of range; expected an integer >= 0 (0 = all)");
        }
    }

    /** Reads the {@code data} section (declared in vq-core's reference.conf); a bad value is a user error. */
    public static DataConfig from(Config section) {
        Values v = new Values(section, "data");
        try {
            return new DataConfig(
                    v.oneOf("name", NAMES.toArray(String[]::new)),
                    v.optionalPath("root"),
                    v.intIn("image-size", MIN_IMAGE_SIZE, MAX_IMAGE_SIZE),
                    v.intIn("channels", 1, 3),
                    v.bool("augment"),
                    v.intAtLeast("limit", 0));
        } catch (IllegalArgumentException e) {
            throw new UserException("data: " + e.getMessage(), e);
        }
    }

    /** A config with the standard root, no augmentation and no limit. */
    public static DataConfig of(String name, int imageSize, int channels) {
        return new DataConfig(name, null, imageSize, channels, false, 0);
    }

    /** This config with another root directory. */
    public DataConfig withRoot(Path newRoot) {
        return new DataConfig(name, newRoot, imageSize, channels, augment, limit);
    }

    /** This config with another per-split limit. */
    public DataConfig withLimit(int newLimit) {
        return new DataConfig(name, root, imageSize, channels, augment, newLimit);
    }

    /** This config with augmentation switched on or off. */
    public DataConfig withAugment(boolean newAugment) {
        return new DataConfig(name, root, imageSize, channels, newAugment, limit);
    }
}
