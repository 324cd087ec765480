package io.github.vqlc.core.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Finds a dataset's directory: the configured root, or else the first standard location holding
 * the required files; otherwise a {@link DataException} that lists what was tried and how to fetch
 * the data. Also resolves a file that may exist raw or gzip-compressed ({@code name} or {@code name.gz}).
 */
final class DataRoots {

    private DataRoots() {}

    /**
     * @param dataset dataset name used in messages and in the fetch hint
     * @param root the configured root, or null for the standard locations
     * @param candidates standard locations, in order of preference
     * @param required base file names that must all exist
     * @param gzipOk whether each required file may also exist as {@code name.gz} (see {@link #find})
     * @param fetchHint what to run to get the data, e.g. "run scripts/fetch-data.sh mnist"
     */
    static Path resolve(
            String dataset, Path root, List<Path> candidates, List<String> required, boolean gzipOk, String fetchHint) {
        List<Path> tried = root != null ? List.of(root) : candidates;
        for (Path dir : tried) {
            if (missing(dir, required, gzipOk).isEmpty()) {
                return dir;
            }
        }
        if (root != null) {
            throw new DataException(dataset + ": " + root + " lacks "
                    + describe(missing(root, required, gzipOk), gzipOk) + "; " + fetchHint + " or fix data.root");
        }
        String dirs = tried.stream()
                .map(p -> p.toAbsolutePath().normalize().toString())
                .collect(Collectors.joining(", "));
        throw new DataException(dataset + ": dataset not found; tried " + dirs + "; " + fetchHint);
    }

    /** {@code dir/name} if it exists, else {@code dir/name.gz} if that exists. */
    static Optional<Path> find(Path dir, String name) {
        Path raw = dir.resolve(name);
        if (Files.isRegularFile(raw)) {
            return Optional.of(raw);
        }
        Path gz = dir.resolve(name + ".gz");
        return Files.isRegularFile(gz) ? Optional.of(gz) : Optional.empty();
    }

    private static List<String> missing(Path dir, List<String> required, boolean gzipOk) {
        List<String> missing = new ArrayList<>();
        for (String name : required) {
            boolean present = gzipOk ? find(dir, name).isPresent() : Files.isRegularFile(dir.resolve(name));
            if (!present) {
                missing.add(name);
            }
        }
        return missing;
    }

    private static String describe(List<String> missing, boolean gzipOk) {
        return missing.stream().map(n -> gzipOk ? n + "[.gz]" : n).collect(Collectors.joining(", "));
    }
}
