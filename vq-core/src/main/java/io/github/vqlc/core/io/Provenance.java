package io.github.vqlc.core.io;

import java.nio.file.Path;

/**
 * How files are named in what the program writes for later readers (metrics.json, codebook
 * sidecars, results tables, gpt.json): never by an absolute path of the machine that ran it. A
 * file is named by its path relative to the working directory (the directory relative config paths
 * resolve against), or by its file name alone when it lies outside, and its content is pinned by a
 * digest ({@link ContentHash#shortOf}).
 */
public final class Provenance {

    private Provenance() {}

    /** {@code file} relative to the working directory, or its file name when it lies outside it. */
    public static String name(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path workingDir = Path.of("").toAbsolutePath().normalize();
        if (absolute.startsWith(workingDir) && !absolute.equals(workingDir)) {
            return workingDir.relativize(absolute).toString();
        }
        Path name = absolute.getFileName();
        return name == null ? "." : name.toString();
    }

    /** {@link #name} of {@code file} with the short digest of {@code content} (the bytes it stands for). */
    public static String nameWithDigest(Path file, Path content) {
        return name(file) + " (sha256 " + ContentHash.shortOf(content) + ")";
    }

    /** {@code target} relative to the directory {@code base} (e.g. {@code ..}), as a path string. */
    public static String relative(Path base, Path target) {
        Path b = base.toAbsolutePath().normalize();
        Path t = target.toAbsolutePath().normalize();
        String r = b.relativize(t).toString();
        return r.isEmpty() ? "." : r;
    }
}
