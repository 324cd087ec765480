package io.github.vqlc.eval.fid;

import io.github.vqlc.core.data.DataConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Feature statistics of reference splits (the originals rFID compares reconstructions with), cached
 * on disk so each split is featurized once per extractor. A file is named by the SHA-256 of its key
 * and stores the key; it is used only when the stored key equals the requested one. The key covers
 * everything that determines the statistics: dataset name and root, split, image size, channels,
 * number of images, the seed for generated datasets, and the extractor's fingerprint (which digests
 * its weight file, so retraining the extractor gives a new key). Writes are atomic.
 */
public final class ReferenceStatisticsCache {

    private final Path dir;

    public ReferenceStatisticsCache(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The cache key of {@code images} images of {@code split} of the dataset {@code data}. */
    public static String key(DataConfig data, String split, int images, long seed, String extractorFingerprint) {
        return "dataset=" + data.name()
                + " root="
                + (data.root() == null
                        ? "default"
                        : data.root().toAbsolutePath().normalize())
                + " split=" + split
                + " size=" + data.imageSize()
                + " channels=" + data.channels()
                + " images=" + images
                + " seed=" + (data.name().equals("synthetic") ? Long.toString(seed) : "-")
                + " extractor=" + extractorFingerprint;
    }

    /** The file holding {@code key}'s statistics. */
    public Path file(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return dir.resolve(HexFormat.of().formatHex(digest, 0, 16) + ".stats");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cached statistics for {@code key}; empty when absent, unreadable or stored under another key. */
    public Optional<FeatureStatistics> find(String key) {
        Path f = file(key);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            FeatureStatistics.Stored stored = FeatureStatistics.load(f);
            return stored.key().equals(key) ? Optional.of(stored.statistics()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // a damaged entry is recomputed and replaced
        }
    }

    public void store(String key, FeatureStatistics statistics) {
        statistics.save(file(key), key);
    }
}
