package io.github.vqlc.experiments.run;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.AtomicFiles;
import io.github.vqlc.core.io.IoErrors;
import io.github.vqlc.core.io.JsonLines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The files of one run: {@code config.conf} (resolved config), {@code log.jsonl},
 * {@code checkpoints/}, {@code samples/}, {@code metrics.json}. A fresh run never writes into an
 * existing non-empty directory; only {@code --resume} continues one.
 */
public final class RunDirectory {

    private final Path dir;

    public RunDirectory(Path dir) {
        this.dir = dir;
    }

    public Path path() {
        return dir;
    }

    public Path config() {
        return dir.resolve("config.conf");
    }

    public Path metrics() {
        return dir.resolve("metrics.json");
    }

    public Path samples() {
        return dir.resolve("samples");
    }

    /** Prepares the directory for a new run ({@code resume} false) or a continued one. */
    public void prepare(boolean resume, String resolvedConfig) {
        try {
            if (!resume && Files.isDirectory(dir) && !isEmpty(dir)) {
                throw new UserException("run directory " + dir + " already exists; pass --resume to continue it, "
                        + "or choose another run.dir (e.g. -o run.dir=runs/new-name)");
            }
            if (resume && !Files.isDirectory(dir)) {
                throw new UserException("cannot resume: run directory " + dir + " does not exist");
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserException(
                    "cannot create run directory " + dir + " (" + IoErrors.describe(e) + "); choose another run.dir");
        }
        try {
            AtomicFiles.writeString(config(), resolvedConfig);
        } catch (UncheckedIOException e) {
            throw new UserException("cannot write into run directory " + dir + " (" + IoErrors.describe(e.getCause())
                    + "); choose another run.dir");
        }
    }

    /** Merges {@code values} into metrics.json (keeping keys it does not mention, and their number types), atomically. */
    public void updateMetrics(Map<String, Object> values) {
        JsonObject merged = new JsonObject();
        if (Files.isRegularFile(metrics())) {
            try {
                merged = JsonParser.parseString(Files.readString(metrics())).getAsJsonObject();
            } catch (IOException | RuntimeException e) {
                // an unreadable metrics.json is replaced, not fatal
            }
        }
        for (Map.Entry<String, Object> e : values.entrySet()) {
            merged.add(e.getKey(), JsonLines.GSON.toJsonTree(e.getValue()));
        }
        JsonLines.writeJson(metrics(), merged);
    }

    private static boolean isEmpty(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.findAny().isEmpty();
        }
    }
}
