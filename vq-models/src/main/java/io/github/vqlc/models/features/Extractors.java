package io.github.vqlc.models.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Checks and digests shared by the extractors of this package. */
final class Extractors {

    private Extractors() {}

    /** Images must be (B, channels, size, size): the shape the extractor was configured or trained for. */
    static void checkImages(String type, NDArray images, int channels, int size) {
        Shape s = images.getShape();
        if (s.dimension() != 4 || s.get(1) != channels || s.get(2) != size || s.get(3) != size) {
            throw new UserException(
                    type + " extractor expects images (B, " + channels + ", " + size + ", " + size + ") but got " + s);
        }
    }

    static UserException unsupported(String type, String kind) {
        return new UserException("the " + type + " feature extractor has no " + kind + " features;"
                + " use an extractor type that provides them");
    }

    /** Hex SHA-256 of {@code parts} joined by newlines (settings that determine an extractor's outputs). */
    static String sha256(String... parts) {
        MessageDigest md = digest();
        md.update(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(md.digest());
    }

    /** Hex SHA-256 of a file's bytes. */
    static String sha256(Path file) {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
