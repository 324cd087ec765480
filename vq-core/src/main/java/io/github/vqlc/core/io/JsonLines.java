package io.github.vqlc.core.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Appends one JSON object per line (log.jsonl) and writes pretty JSON files (metrics.json). */
public final class JsonLines implements AutoCloseable {

    /** Non-finite numbers are written as JSON literals NaN/Infinity rather than failing. */
    public static final Gson GSON = new GsonBuilder()
            .serializeSpecialFloatingPointValues()
            .serializeNulls()
            .create();

    private static final Gson PRETTY = new GsonBuilder()
            .serializeSpecialFloatingPointValues()
            .serializeNulls()
            .setPrettyPrinting()
            .create();

    private final Writer writer;

    public JsonLines(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            this.writer = Files.newBufferedWriter(
                    file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    public void append(Map<String, ?> record) {
        try {
            writer.write(GSON.toJson(record));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The numbers of a JSON array as floats. */
    public static float[] floats(JsonArray a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsFloat();
        }
        return out;
    }

    /** Floats as a JSON array. */
    public static JsonArray array(float[] values) {
        JsonArray a = new JsonArray();
        for (float v : values) {
            a.add(v);
        }
        return a;
    }

    /** The JSON object in {@code file}; empty when it is missing or unreadable (a results reader skips such files). */
    public static Optional<JsonObject> readObject(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JsonParser.parseString(Files.readString(file)).getAsJsonObject());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The objects of a JSON-lines file, in order; empty when the file is missing. A line that is not
     * a JSON object (the last line of a run killed while writing it) is skipped.
     */
    public static List<JsonObject> readLines(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<JsonObject> lines = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                try {
                    lines.add(JsonParser.parseString(line).getAsJsonObject());
                } catch (RuntimeException e) {
                    // cut short or blank: skipped
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return lines;
    }

    /** Writes {@code value} as pretty JSON, atomically. */
    public static void writeJson(Path file, Object value) {
        AtomicFiles.writeString(file, PRETTY.toJson(value) + "\n");
    }
}
