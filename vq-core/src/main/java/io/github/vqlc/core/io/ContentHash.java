package io.github.vqlc.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 digests, in hex: of a file's bytes (provenance names a file by a relative path plus its
 * digest), and of settings joined by newlines (cache keys such as an extractor's fingerprint).
 */
public final class ContentHash {

    /** Hex digits of a digest shown next to a file name: enough to tell files apart, short to read. */
    public static final int SHORT = 12;

    private ContentHash() {}

    /** Hex SHA-256 of {@code parts} joined by newlines. */
    public static String of(String... parts) {
        MessageDigest md = digest();
        md.update(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(md.digest());
    }

    /** Hex SHA-256 of a file's bytes. */
    public static String of(Path file) {
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

    /** The first {@value #SHORT} hex digits of {@link #of(Path)}. */
    public static String shortOf(Path file) {
        return of(file).substring(0, SHORT);
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
